-- Input of marts.association_forecasts: each region's name and the 2007 region it folds into
-- (itself when it existed then).
SELECT region_code, region_name_en, coalesce(comparable_2007_code, region_code)
FROM staging.stg_regions
