-- Responsible agencies, their Kazakh abbreviations expanded as the programme does.
select agency_code, abbreviation_kk, name_kk, name_ru, name_en, kind as agency_kind,
       nullif(member_of, '') as member_of, nullif(region_code, '') as region_code
from reference.programme_agencies
