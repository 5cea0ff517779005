"""DuckDB warehouse: loader-owned raw tables, SQL models (staging -> core -> marts), publishing."""
