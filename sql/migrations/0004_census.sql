-- US census income (KDD) records, loaded in daily batches by `ingest census FILE --batch-date DATE`.
-- A person row per record, its categorical attributes referencing one lookup table each. Lookup labels
-- are trimmed; each keeps the spelling the files use (leading space included), which the model's one-hot
-- feature names are made of.
CREATE SCHEMA census;
COMMENT ON SCHEMA census IS 'US census income records in daily batches, their lookup tables, model predictions and performance.';

CREATE TABLE census.class_of_worker (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.class_of_worker IS 'Lookup: Class of worker (private, government, self-employed, ...)';
COMMENT ON COLUMN census.class_of_worker.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.class_of_worker.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.education (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.education IS 'Lookup: Highest level of education attained';
COMMENT ON COLUMN census.education.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.education.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.enroll_in_edu_inst_last_wk (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.enroll_in_edu_inst_last_wk IS 'Lookup: Enrolled in an educational institution last week';
COMMENT ON COLUMN census.enroll_in_edu_inst_last_wk.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.enroll_in_edu_inst_last_wk.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.marital_stat (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.marital_stat IS 'Lookup: Marital status';
COMMENT ON COLUMN census.marital_stat.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.marital_stat.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.major_industry_code (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.major_industry_code IS 'Lookup: Major industry';
COMMENT ON COLUMN census.major_industry_code.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.major_industry_code.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.major_occupation_code (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.major_occupation_code IS 'Lookup: Major occupation';
COMMENT ON COLUMN census.major_occupation_code.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.major_occupation_code.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.race (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.race IS 'Lookup: Race';
COMMENT ON COLUMN census.race.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.race.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.hispanic_origin (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.hispanic_origin IS 'Lookup: Hispanic origin';
COMMENT ON COLUMN census.hispanic_origin.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.hispanic_origin.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.sex (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.sex IS 'Lookup: Sex';
COMMENT ON COLUMN census.sex.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.sex.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.member_of_a_labor_union (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.member_of_a_labor_union IS 'Lookup: Member of a labor union';
COMMENT ON COLUMN census.member_of_a_labor_union.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.member_of_a_labor_union.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.reason_for_unemployment (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.reason_for_unemployment IS 'Lookup: Reason for unemployment';
COMMENT ON COLUMN census.reason_for_unemployment.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.reason_for_unemployment.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.full_or_part_time_employment_stat (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.full_or_part_time_employment_stat IS 'Lookup: Full or part time employment status';
COMMENT ON COLUMN census.full_or_part_time_employment_stat.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.full_or_part_time_employment_stat.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.tax_filer_stat (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.tax_filer_stat IS 'Lookup: Tax filer status';
COMMENT ON COLUMN census.tax_filer_stat.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.tax_filer_stat.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.region_of_previous_residence (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.region_of_previous_residence IS 'Lookup: Region of previous residence';
COMMENT ON COLUMN census.region_of_previous_residence.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.region_of_previous_residence.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.state_of_previous_residence (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.state_of_previous_residence IS 'Lookup: State of previous residence';
COMMENT ON COLUMN census.state_of_previous_residence.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.state_of_previous_residence.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.detailed_household_and_family_stat (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.detailed_household_and_family_stat IS 'Lookup: Detailed household and family status';
COMMENT ON COLUMN census.detailed_household_and_family_stat.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.detailed_household_and_family_stat.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.detailed_household_summary_in_household (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.detailed_household_summary_in_household IS 'Lookup: Detailed household summary in household';
COMMENT ON COLUMN census.detailed_household_summary_in_household.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.detailed_household_summary_in_household.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.migration_code_change_in_msa (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.migration_code_change_in_msa IS 'Lookup: Migration code: change in metropolitan statistical area';
COMMENT ON COLUMN census.migration_code_change_in_msa.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.migration_code_change_in_msa.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.migration_code_change_in_reg (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.migration_code_change_in_reg IS 'Lookup: Migration code: change in region';
COMMENT ON COLUMN census.migration_code_change_in_reg.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.migration_code_change_in_reg.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.migration_code_move_within_reg (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.migration_code_move_within_reg IS 'Lookup: Migration code: move within region';
COMMENT ON COLUMN census.migration_code_move_within_reg.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.migration_code_move_within_reg.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.live_in_this_house_1_year_ago (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.live_in_this_house_1_year_ago IS 'Lookup: Lived in this house one year ago';
COMMENT ON COLUMN census.live_in_this_house_1_year_ago.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.live_in_this_house_1_year_ago.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.migration_prev_res_in_sunbelt (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.migration_prev_res_in_sunbelt IS 'Lookup: Previous residence in the sunbelt';
COMMENT ON COLUMN census.migration_prev_res_in_sunbelt.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.migration_prev_res_in_sunbelt.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.family_members_under_18 (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.family_members_under_18 IS 'Lookup: Parents present, for family members under 18';
COMMENT ON COLUMN census.family_members_under_18.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.family_members_under_18.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.country_of_birth_father (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.country_of_birth_father IS 'Lookup: Country of birth of the father';
COMMENT ON COLUMN census.country_of_birth_father.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.country_of_birth_father.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.country_of_birth_mother (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.country_of_birth_mother IS 'Lookup: Country of birth of the mother';
COMMENT ON COLUMN census.country_of_birth_mother.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.country_of_birth_mother.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.country_of_birth_self (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.country_of_birth_self IS 'Lookup: Country of birth';
COMMENT ON COLUMN census.country_of_birth_self.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.country_of_birth_self.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.citizenship (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.citizenship IS 'Lookup: Citizenship';
COMMENT ON COLUMN census.citizenship.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.citizenship.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.fill_inc_questionnaire_for_veterans_admin (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    label text NOT NULL UNIQUE CHECK (label <> '' AND label = btrim(label)),
    spelling text NOT NULL CHECK (btrim(spelling) = label)
);
COMMENT ON TABLE census.fill_inc_questionnaire_for_veterans_admin IS 'Lookup: Filled in the income questionnaire for the Veterans'' Administration';
COMMENT ON COLUMN census.fill_inc_questionnaire_for_veterans_admin.label IS 'The value, trimmed.';
COMMENT ON COLUMN census.fill_inc_questionnaire_for_veterans_admin.spelling IS 'The value as the files spell it (leading space included), as the model''s feature names use it.';

CREATE TABLE census.persons (
    batch_date date NOT NULL,
    source_line integer NOT NULL CHECK (source_line >= 1),
    source_file text NOT NULL,
    age integer NOT NULL CHECK (age >= 0),
    class_of_worker_id smallint REFERENCES census.class_of_worker,
    detailed_industry_recode smallint,
    detailed_occupation_recode smallint,
    education_id smallint REFERENCES census.education,
    wage_per_hour integer,
    enroll_in_edu_inst_last_wk_id smallint REFERENCES census.enroll_in_edu_inst_last_wk,
    marital_stat_id smallint REFERENCES census.marital_stat,
    major_industry_code_id smallint REFERENCES census.major_industry_code,
    major_occupation_code_id smallint REFERENCES census.major_occupation_code,
    race_id smallint REFERENCES census.race,
    hispanic_origin_id smallint REFERENCES census.hispanic_origin,
    sex_id smallint REFERENCES census.sex,
    member_of_a_labor_union_id smallint REFERENCES census.member_of_a_labor_union,
    reason_for_unemployment_id smallint REFERENCES census.reason_for_unemployment,
    full_or_part_time_employment_stat_id smallint REFERENCES census.full_or_part_time_employment_stat,
    capital_gains integer,
    capital_losses integer,
    dividends_from_stocks integer,
    tax_filer_stat_id smallint REFERENCES census.tax_filer_stat,
    region_of_previous_residence_id smallint REFERENCES census.region_of_previous_residence,
    state_of_previous_residence_id smallint REFERENCES census.state_of_previous_residence,
    detailed_household_and_family_stat_id smallint REFERENCES census.detailed_household_and_family_stat,
    detailed_household_summary_in_household_id smallint REFERENCES census.detailed_household_summary_in_household,
    instance_weight numeric CHECK (instance_weight >= 0),
    migration_code_change_in_msa_id smallint REFERENCES census.migration_code_change_in_msa,
    migration_code_change_in_reg_id smallint REFERENCES census.migration_code_change_in_reg,
    migration_code_move_within_reg_id smallint REFERENCES census.migration_code_move_within_reg,
    live_in_this_house_1_year_ago_id smallint REFERENCES census.live_in_this_house_1_year_ago,
    migration_prev_res_in_sunbelt_id smallint REFERENCES census.migration_prev_res_in_sunbelt,
    num_persons_worked_for_employer integer,
    family_members_under_18_id smallint REFERENCES census.family_members_under_18,
    country_of_birth_father_id smallint REFERENCES census.country_of_birth_father,
    country_of_birth_mother_id smallint REFERENCES census.country_of_birth_mother,
    country_of_birth_self_id smallint REFERENCES census.country_of_birth_self,
    citizenship_id smallint REFERENCES census.citizenship,
    own_business_or_self_employed smallint,
    fill_inc_questionnaire_for_veterans_admin_id smallint REFERENCES census.fill_inc_questionnaire_for_veterans_admin,
    veterans_benefits smallint,
    weeks_worked_in_year integer,
    year smallint,
    income_over_50k boolean NOT NULL,
    PRIMARY KEY (batch_date, source_line)
);
COMMENT ON TABLE census.persons IS 'One row per census record: its batch, where it came from, and all 42 fields typed. Exact duplicate records are real and kept.';
COMMENT ON COLUMN census.persons.batch_date IS 'The daily batch the record arrived in (ingest census --batch-date); a reload replaces exactly this batch.';
COMMENT ON COLUMN census.persons.source_line IS 'Line of the batch file the record was read from.';
COMMENT ON COLUMN census.persons.source_file IS 'The batch file the record was read from.';
COMMENT ON COLUMN census.persons.age IS 'Age in years.';
COMMENT ON COLUMN census.persons.class_of_worker_id IS 'Class of worker (private, government, self-employed, ...). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.detailed_industry_recode IS 'Detailed industry recode (census industry code, 0-51). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.detailed_occupation_recode IS 'Detailed occupation recode (census occupation code, 0-46). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.education_id IS 'Highest level of education attained. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.wage_per_hour IS 'Wage per hour (in cents, as the source records it). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.enroll_in_edu_inst_last_wk_id IS 'Enrolled in an educational institution last week. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.marital_stat_id IS 'Marital status. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.major_industry_code_id IS 'Major industry. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.major_occupation_code_id IS 'Major occupation. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.race_id IS 'Race. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.hispanic_origin_id IS 'Hispanic origin. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.sex_id IS 'Sex. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.member_of_a_labor_union_id IS 'Member of a labor union. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.reason_for_unemployment_id IS 'Reason for unemployment. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.full_or_part_time_employment_stat_id IS 'Full or part time employment status. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.capital_gains IS 'Capital gains (dollars). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.capital_losses IS 'Capital losses (dollars). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.dividends_from_stocks IS 'Dividends from stocks (dollars). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.tax_filer_stat_id IS 'Tax filer status. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.region_of_previous_residence_id IS 'Region of previous residence. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.state_of_previous_residence_id IS 'State of previous residence. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.detailed_household_and_family_stat_id IS 'Detailed household and family status. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.detailed_household_summary_in_household_id IS 'Detailed household summary in household. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.instance_weight IS 'Instance weight: the number of people in the population this record represents (stratified sampling). Weight population statistics by it; it is not a model feature. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.migration_code_change_in_msa_id IS 'Migration code: change in metropolitan statistical area. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.migration_code_change_in_reg_id IS 'Migration code: change in region. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.migration_code_move_within_reg_id IS 'Migration code: move within region. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.live_in_this_house_1_year_ago_id IS 'Lived in this house one year ago. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.migration_prev_res_in_sunbelt_id IS 'Previous residence in the sunbelt. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.num_persons_worked_for_employer IS 'Number of persons who worked for the employer. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.family_members_under_18_id IS 'Parents present, for family members under 18. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.country_of_birth_father_id IS 'Country of birth of the father. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.country_of_birth_mother_id IS 'Country of birth of the mother. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.country_of_birth_self_id IS 'Country of birth. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.citizenship_id IS 'Citizenship. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.own_business_or_self_employed IS 'Own business or self employed (code 0, 1 or 2). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.fill_inc_questionnaire_for_veterans_admin_id IS 'Filled in the income questionnaire for the Veterans'' Administration. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.veterans_benefits IS 'Veterans benefits (code 0, 1 or 2). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.weeks_worked_in_year IS 'Weeks worked in the year. NULL where the file says ?.';
COMMENT ON COLUMN census.persons.year IS 'Survey year (94 or 95). NULL where the file says ?.';
COMMENT ON COLUMN census.persons.income_over_50k IS 'The label: total person income over 50000 dollars (file: 50000+.) or not (file: - 50000.).';

CREATE VIEW census.persons_labelled AS
SELECT p.batch_date, p.source_line, p.source_file, p.age,
       class_of_worker.label AS class_of_worker,
       p.detailed_industry_recode,
       p.detailed_occupation_recode,
       education.label AS education,
       p.wage_per_hour,
       enroll_in_edu_inst_last_wk.label AS enroll_in_edu_inst_last_wk,
       marital_stat.label AS marital_stat,
       major_industry_code.label AS major_industry_code,
       major_occupation_code.label AS major_occupation_code,
       race.label AS race,
       hispanic_origin.label AS hispanic_origin,
       sex.label AS sex,
       member_of_a_labor_union.label AS member_of_a_labor_union,
       reason_for_unemployment.label AS reason_for_unemployment,
       full_or_part_time_employment_stat.label AS full_or_part_time_employment_stat,
       p.capital_gains,
       p.capital_losses,
       p.dividends_from_stocks,
       tax_filer_stat.label AS tax_filer_stat,
       region_of_previous_residence.label AS region_of_previous_residence,
       state_of_previous_residence.label AS state_of_previous_residence,
       detailed_household_and_family_stat.label AS detailed_household_and_family_stat,
       detailed_household_summary_in_household.label AS detailed_household_summary_in_household,
       p.instance_weight,
       migration_code_change_in_msa.label AS migration_code_change_in_msa,
       migration_code_change_in_reg.label AS migration_code_change_in_reg,
       migration_code_move_within_reg.label AS migration_code_move_within_reg,
       live_in_this_house_1_year_ago.label AS live_in_this_house_1_year_ago,
       migration_prev_res_in_sunbelt.label AS migration_prev_res_in_sunbelt,
       p.num_persons_worked_for_employer,
       family_members_under_18.label AS family_members_under_18,
       country_of_birth_father.label AS country_of_birth_father,
       country_of_birth_mother.label AS country_of_birth_mother,
       country_of_birth_self.label AS country_of_birth_self,
       citizenship.label AS citizenship,
       p.own_business_or_self_employed,
       fill_inc_questionnaire_for_veterans_admin.label AS fill_inc_questionnaire_for_veterans_admin,
       p.veterans_benefits,
       p.weeks_worked_in_year,
       p.year,
       p.income_over_50k
FROM census.persons p
LEFT JOIN census.class_of_worker ON class_of_worker.id = p.class_of_worker_id
LEFT JOIN census.education ON education.id = p.education_id
LEFT JOIN census.enroll_in_edu_inst_last_wk ON enroll_in_edu_inst_last_wk.id = p.enroll_in_edu_inst_last_wk_id
LEFT JOIN census.marital_stat ON marital_stat.id = p.marital_stat_id
LEFT JOIN census.major_industry_code ON major_industry_code.id = p.major_industry_code_id
LEFT JOIN census.major_occupation_code ON major_occupation_code.id = p.major_occupation_code_id
LEFT JOIN census.race ON race.id = p.race_id
LEFT JOIN census.hispanic_origin ON hispanic_origin.id = p.hispanic_origin_id
LEFT JOIN census.sex ON sex.id = p.sex_id
LEFT JOIN census.member_of_a_labor_union ON member_of_a_labor_union.id = p.member_of_a_labor_union_id
LEFT JOIN census.reason_for_unemployment ON reason_for_unemployment.id = p.reason_for_unemployment_id
LEFT JOIN census.full_or_part_time_employment_stat ON full_or_part_time_employment_stat.id = p.full_or_part_time_employment_stat_id
LEFT JOIN census.tax_filer_stat ON tax_filer_stat.id = p.tax_filer_stat_id
LEFT JOIN census.region_of_previous_residence ON region_of_previous_residence.id = p.region_of_previous_residence_id
LEFT JOIN census.state_of_previous_residence ON state_of_previous_residence.id = p.state_of_previous_residence_id
LEFT JOIN census.detailed_household_and_family_stat ON detailed_household_and_family_stat.id = p.detailed_household_and_family_stat_id
LEFT JOIN census.detailed_household_summary_in_household ON detailed_household_summary_in_household.id = p.detailed_household_summary_in_household_id
LEFT JOIN census.migration_code_change_in_msa ON migration_code_change_in_msa.id = p.migration_code_change_in_msa_id
LEFT JOIN census.migration_code_change_in_reg ON migration_code_change_in_reg.id = p.migration_code_change_in_reg_id
LEFT JOIN census.migration_code_move_within_reg ON migration_code_move_within_reg.id = p.migration_code_move_within_reg_id
LEFT JOIN census.live_in_this_house_1_year_ago ON live_in_this_house_1_year_ago.id = p.live_in_this_house_1_year_ago_id
LEFT JOIN census.migration_prev_res_in_sunbelt ON migration_prev_res_in_sunbelt.id = p.migration_prev_res_in_sunbelt_id
LEFT JOIN census.family_members_under_18 ON family_members_under_18.id = p.family_members_under_18_id
LEFT JOIN census.country_of_birth_father ON country_of_birth_father.id = p.country_of_birth_father_id
LEFT JOIN census.country_of_birth_mother ON country_of_birth_mother.id = p.country_of_birth_mother_id
LEFT JOIN census.country_of_birth_self ON country_of_birth_self.id = p.country_of_birth_self_id
LEFT JOIN census.citizenship ON citizenship.id = p.citizenship_id
LEFT JOIN census.fill_inc_questionnaire_for_veterans_admin ON fill_inc_questionnaire_for_veterans_admin.id = p.fill_inc_questionnaire_for_veterans_admin_id;
COMMENT ON VIEW census.persons_labelled IS 'census.persons with every lookup spelled out: the table to query from psql.';
