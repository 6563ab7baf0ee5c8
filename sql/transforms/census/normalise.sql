-- New labels join their lookup tables (in order of first appearance, so ids are stable across reloads); then
-- every staged record becomes a person of the batch's incoming partition, referencing them. Values are trimmed
-- here, as the lookups keep the file's spelling. The batch and the file are the load's settings pgpipe.batch
-- and pgpipe.source_file.

INSERT INTO census.class_of_worker (label, spelling)
SELECT btrim(class_of_worker), min(class_of_worker) FROM census_stage s
WHERE class_of_worker IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.class_of_worker l WHERE l.label = btrim(s.class_of_worker))
GROUP BY btrim(class_of_worker) ORDER BY min(source_line);

INSERT INTO census.education (label, spelling)
SELECT btrim(education), min(education) FROM census_stage s
WHERE education IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.education l WHERE l.label = btrim(s.education))
GROUP BY btrim(education) ORDER BY min(source_line);

INSERT INTO census.enroll_in_edu_inst_last_wk (label, spelling)
SELECT btrim(enroll_in_edu_inst_last_wk), min(enroll_in_edu_inst_last_wk) FROM census_stage s
WHERE enroll_in_edu_inst_last_wk IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.enroll_in_edu_inst_last_wk l WHERE l.label = btrim(s.enroll_in_edu_inst_last_wk))
GROUP BY btrim(enroll_in_edu_inst_last_wk) ORDER BY min(source_line);

INSERT INTO census.marital_stat (label, spelling)
SELECT btrim(marital_stat), min(marital_stat) FROM census_stage s
WHERE marital_stat IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.marital_stat l WHERE l.label = btrim(s.marital_stat))
GROUP BY btrim(marital_stat) ORDER BY min(source_line);

INSERT INTO census.major_industry_code (label, spelling)
SELECT btrim(major_industry_code), min(major_industry_code) FROM census_stage s
WHERE major_industry_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.major_industry_code l WHERE l.label = btrim(s.major_industry_code))
GROUP BY btrim(major_industry_code) ORDER BY min(source_line);

INSERT INTO census.major_occupation_code (label, spelling)
SELECT btrim(major_occupation_code), min(major_occupation_code) FROM census_stage s
WHERE major_occupation_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.major_occupation_code l WHERE l.label = btrim(s.major_occupation_code))
GROUP BY btrim(major_occupation_code) ORDER BY min(source_line);

INSERT INTO census.race (label, spelling)
SELECT btrim(race), min(race) FROM census_stage s
WHERE race IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.race l WHERE l.label = btrim(s.race))
GROUP BY btrim(race) ORDER BY min(source_line);

INSERT INTO census.hispanic_origin (label, spelling)
SELECT btrim(hispanic_origin), min(hispanic_origin) FROM census_stage s
WHERE hispanic_origin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.hispanic_origin l WHERE l.label = btrim(s.hispanic_origin))
GROUP BY btrim(hispanic_origin) ORDER BY min(source_line);

INSERT INTO census.sex (label, spelling)
SELECT btrim(sex), min(sex) FROM census_stage s
WHERE sex IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.sex l WHERE l.label = btrim(s.sex))
GROUP BY btrim(sex) ORDER BY min(source_line);

INSERT INTO census.member_of_a_labor_union (label, spelling)
SELECT btrim(member_of_a_labor_union), min(member_of_a_labor_union) FROM census_stage s
WHERE member_of_a_labor_union IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.member_of_a_labor_union l WHERE l.label = btrim(s.member_of_a_labor_union))
GROUP BY btrim(member_of_a_labor_union) ORDER BY min(source_line);

INSERT INTO census.reason_for_unemployment (label, spelling)
SELECT btrim(reason_for_unemployment), min(reason_for_unemployment) FROM census_stage s
WHERE reason_for_unemployment IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.reason_for_unemployment l WHERE l.label = btrim(s.reason_for_unemployment))
GROUP BY btrim(reason_for_unemployment) ORDER BY min(source_line);

INSERT INTO census.full_or_part_time_employment_stat (label, spelling)
SELECT btrim(full_or_part_time_employment_stat), min(full_or_part_time_employment_stat) FROM census_stage s
WHERE full_or_part_time_employment_stat IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.full_or_part_time_employment_stat l WHERE l.label = btrim(s.full_or_part_time_employment_stat))
GROUP BY btrim(full_or_part_time_employment_stat) ORDER BY min(source_line);

INSERT INTO census.tax_filer_stat (label, spelling)
SELECT btrim(tax_filer_stat), min(tax_filer_stat) FROM census_stage s
WHERE tax_filer_stat IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.tax_filer_stat l WHERE l.label = btrim(s.tax_filer_stat))
GROUP BY btrim(tax_filer_stat) ORDER BY min(source_line);

INSERT INTO census.region_of_previous_residence (label, spelling)
SELECT btrim(region_of_previous_residence), min(region_of_previous_residence) FROM census_stage s
WHERE region_of_previous_residence IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.region_of_previous_residence l WHERE l.label = btrim(s.region_of_previous_residence))
GROUP BY btrim(region_of_previous_residence) ORDER BY min(source_line);

INSERT INTO census.state_of_previous_residence (label, spelling)
SELECT btrim(state_of_previous_residence), min(state_of_previous_residence) FROM census_stage s
WHERE state_of_previous_residence IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.state_of_previous_residence l WHERE l.label = btrim(s.state_of_previous_residence))
GROUP BY btrim(state_of_previous_residence) ORDER BY min(source_line);

INSERT INTO census.detailed_household_and_family_stat (label, spelling)
SELECT btrim(detailed_household_and_family_stat), min(detailed_household_and_family_stat) FROM census_stage s
WHERE detailed_household_and_family_stat IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.detailed_household_and_family_stat l WHERE l.label = btrim(s.detailed_household_and_family_stat))
GROUP BY btrim(detailed_household_and_family_stat) ORDER BY min(source_line);

INSERT INTO census.detailed_household_summary_in_household (label, spelling)
SELECT btrim(detailed_household_summary_in_household), min(detailed_household_summary_in_household) FROM census_stage s
WHERE detailed_household_summary_in_household IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.detailed_household_summary_in_household l WHERE l.label = btrim(s.detailed_household_summary_in_household))
GROUP BY btrim(detailed_household_summary_in_household) ORDER BY min(source_line);

INSERT INTO census.migration_code_change_in_msa (label, spelling)
SELECT btrim(migration_code_change_in_msa), min(migration_code_change_in_msa) FROM census_stage s
WHERE migration_code_change_in_msa IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.migration_code_change_in_msa l WHERE l.label = btrim(s.migration_code_change_in_msa))
GROUP BY btrim(migration_code_change_in_msa) ORDER BY min(source_line);

INSERT INTO census.migration_code_change_in_reg (label, spelling)
SELECT btrim(migration_code_change_in_reg), min(migration_code_change_in_reg) FROM census_stage s
WHERE migration_code_change_in_reg IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.migration_code_change_in_reg l WHERE l.label = btrim(s.migration_code_change_in_reg))
GROUP BY btrim(migration_code_change_in_reg) ORDER BY min(source_line);

INSERT INTO census.migration_code_move_within_reg (label, spelling)
SELECT btrim(migration_code_move_within_reg), min(migration_code_move_within_reg) FROM census_stage s
WHERE migration_code_move_within_reg IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.migration_code_move_within_reg l WHERE l.label = btrim(s.migration_code_move_within_reg))
GROUP BY btrim(migration_code_move_within_reg) ORDER BY min(source_line);

INSERT INTO census.live_in_this_house_1_year_ago (label, spelling)
SELECT btrim(live_in_this_house_1_year_ago), min(live_in_this_house_1_year_ago) FROM census_stage s
WHERE live_in_this_house_1_year_ago IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.live_in_this_house_1_year_ago l WHERE l.label = btrim(s.live_in_this_house_1_year_ago))
GROUP BY btrim(live_in_this_house_1_year_ago) ORDER BY min(source_line);

INSERT INTO census.migration_prev_res_in_sunbelt (label, spelling)
SELECT btrim(migration_prev_res_in_sunbelt), min(migration_prev_res_in_sunbelt) FROM census_stage s
WHERE migration_prev_res_in_sunbelt IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.migration_prev_res_in_sunbelt l WHERE l.label = btrim(s.migration_prev_res_in_sunbelt))
GROUP BY btrim(migration_prev_res_in_sunbelt) ORDER BY min(source_line);

INSERT INTO census.family_members_under_18 (label, spelling)
SELECT btrim(family_members_under_18), min(family_members_under_18) FROM census_stage s
WHERE family_members_under_18 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.family_members_under_18 l WHERE l.label = btrim(s.family_members_under_18))
GROUP BY btrim(family_members_under_18) ORDER BY min(source_line);

INSERT INTO census.country_of_birth_father (label, spelling)
SELECT btrim(country_of_birth_father), min(country_of_birth_father) FROM census_stage s
WHERE country_of_birth_father IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.country_of_birth_father l WHERE l.label = btrim(s.country_of_birth_father))
GROUP BY btrim(country_of_birth_father) ORDER BY min(source_line);

INSERT INTO census.country_of_birth_mother (label, spelling)
SELECT btrim(country_of_birth_mother), min(country_of_birth_mother) FROM census_stage s
WHERE country_of_birth_mother IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.country_of_birth_mother l WHERE l.label = btrim(s.country_of_birth_mother))
GROUP BY btrim(country_of_birth_mother) ORDER BY min(source_line);

INSERT INTO census.country_of_birth_self (label, spelling)
SELECT btrim(country_of_birth_self), min(country_of_birth_self) FROM census_stage s
WHERE country_of_birth_self IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.country_of_birth_self l WHERE l.label = btrim(s.country_of_birth_self))
GROUP BY btrim(country_of_birth_self) ORDER BY min(source_line);

INSERT INTO census.citizenship (label, spelling)
SELECT btrim(citizenship), min(citizenship) FROM census_stage s
WHERE citizenship IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.citizenship l WHERE l.label = btrim(s.citizenship))
GROUP BY btrim(citizenship) ORDER BY min(source_line);

INSERT INTO census.fill_inc_questionnaire_for_veterans_admin (label, spelling)
SELECT btrim(fill_inc_questionnaire_for_veterans_admin), min(fill_inc_questionnaire_for_veterans_admin) FROM census_stage s
WHERE fill_inc_questionnaire_for_veterans_admin IS NOT NULL AND NOT EXISTS (SELECT 1 FROM census.fill_inc_questionnaire_for_veterans_admin l WHERE l.label = btrim(s.fill_inc_questionnaire_for_veterans_admin))
GROUP BY btrim(fill_inc_questionnaire_for_veterans_admin) ORDER BY min(source_line);

INSERT INTO census.persons_incoming (batch_date, source_line, source_file,
    age,
    class_of_worker_id,
    detailed_industry_recode,
    detailed_occupation_recode,
    education_id,
    wage_per_hour,
    enroll_in_edu_inst_last_wk_id,
    marital_stat_id,
    major_industry_code_id,
    major_occupation_code_id,
    race_id,
    hispanic_origin_id,
    sex_id,
    member_of_a_labor_union_id,
    reason_for_unemployment_id,
    full_or_part_time_employment_stat_id,
    capital_gains,
    capital_losses,
    dividends_from_stocks,
    tax_filer_stat_id,
    region_of_previous_residence_id,
    state_of_previous_residence_id,
    detailed_household_and_family_stat_id,
    detailed_household_summary_in_household_id,
    instance_weight,
    migration_code_change_in_msa_id,
    migration_code_change_in_reg_id,
    migration_code_move_within_reg_id,
    live_in_this_house_1_year_ago_id,
    migration_prev_res_in_sunbelt_id,
    num_persons_worked_for_employer,
    family_members_under_18_id,
    country_of_birth_father_id,
    country_of_birth_mother_id,
    country_of_birth_self_id,
    citizenship_id,
    own_business_or_self_employed,
    fill_inc_questionnaire_for_veterans_admin_id,
    veterans_benefits,
    weeks_worked_in_year,
    year,
    income_over_50k)
SELECT current_setting('pgpipe.batch')::date, s.source_line, current_setting('pgpipe.source_file'),
    s.age::integer,
    class_of_worker.id,
    s.detailed_industry_recode::integer,
    s.detailed_occupation_recode::integer,
    education.id,
    s.wage_per_hour::integer,
    enroll_in_edu_inst_last_wk.id,
    marital_stat.id,
    major_industry_code.id,
    major_occupation_code.id,
    race.id,
    hispanic_origin.id,
    sex.id,
    member_of_a_labor_union.id,
    reason_for_unemployment.id,
    full_or_part_time_employment_stat.id,
    s.capital_gains::integer,
    s.capital_losses::integer,
    s.dividends_from_stocks::integer,
    tax_filer_stat.id,
    region_of_previous_residence.id,
    state_of_previous_residence.id,
    detailed_household_and_family_stat.id,
    detailed_household_summary_in_household.id,
    s.instance_weight::numeric,
    migration_code_change_in_msa.id,
    migration_code_change_in_reg.id,
    migration_code_move_within_reg.id,
    live_in_this_house_1_year_ago.id,
    migration_prev_res_in_sunbelt.id,
    s.num_persons_worked_for_employer::integer,
    family_members_under_18.id,
    country_of_birth_father.id,
    country_of_birth_mother.id,
    country_of_birth_self.id,
    citizenship.id,
    s.own_business_or_self_employed::integer,
    fill_inc_questionnaire_for_veterans_admin.id,
    s.veterans_benefits::integer,
    s.weeks_worked_in_year::integer,
    s.year::integer,
    s.income_over_50k::boolean
FROM census_stage s
LEFT JOIN census.class_of_worker ON class_of_worker.label = btrim(s.class_of_worker)
LEFT JOIN census.education ON education.label = btrim(s.education)
LEFT JOIN census.enroll_in_edu_inst_last_wk ON enroll_in_edu_inst_last_wk.label = btrim(s.enroll_in_edu_inst_last_wk)
LEFT JOIN census.marital_stat ON marital_stat.label = btrim(s.marital_stat)
LEFT JOIN census.major_industry_code ON major_industry_code.label = btrim(s.major_industry_code)
LEFT JOIN census.major_occupation_code ON major_occupation_code.label = btrim(s.major_occupation_code)
LEFT JOIN census.race ON race.label = btrim(s.race)
LEFT JOIN census.hispanic_origin ON hispanic_origin.label = btrim(s.hispanic_origin)
LEFT JOIN census.sex ON sex.label = btrim(s.sex)
LEFT JOIN census.member_of_a_labor_union ON member_of_a_labor_union.label = btrim(s.member_of_a_labor_union)
LEFT JOIN census.reason_for_unemployment ON reason_for_unemployment.label = btrim(s.reason_for_unemployment)
LEFT JOIN census.full_or_part_time_employment_stat ON full_or_part_time_employment_stat.label = btrim(s.full_or_part_time_employment_stat)
LEFT JOIN census.tax_filer_stat ON tax_filer_stat.label = btrim(s.tax_filer_stat)
LEFT JOIN census.region_of_previous_residence ON region_of_previous_residence.label = btrim(s.region_of_previous_residence)
LEFT JOIN census.state_of_previous_residence ON state_of_previous_residence.label = btrim(s.state_of_previous_residence)
LEFT JOIN census.detailed_household_and_family_stat ON detailed_household_and_family_stat.label = btrim(s.detailed_household_and_family_stat)
LEFT JOIN census.detailed_household_summary_in_household ON detailed_household_summary_in_household.label = btrim(s.detailed_household_summary_in_household)
LEFT JOIN census.migration_code_change_in_msa ON migration_code_change_in_msa.label = btrim(s.migration_code_change_in_msa)
LEFT JOIN census.migration_code_change_in_reg ON migration_code_change_in_reg.label = btrim(s.migration_code_change_in_reg)
LEFT JOIN census.migration_code_move_within_reg ON migration_code_move_within_reg.label = btrim(s.migration_code_move_within_reg)
LEFT JOIN census.live_in_this_house_1_year_ago ON live_in_this_house_1_year_ago.label = btrim(s.live_in_this_house_1_year_ago)
LEFT JOIN census.migration_prev_res_in_sunbelt ON migration_prev_res_in_sunbelt.label = btrim(s.migration_prev_res_in_sunbelt)
LEFT JOIN census.family_members_under_18 ON family_members_under_18.label = btrim(s.family_members_under_18)
LEFT JOIN census.country_of_birth_father ON country_of_birth_father.label = btrim(s.country_of_birth_father)
LEFT JOIN census.country_of_birth_mother ON country_of_birth_mother.label = btrim(s.country_of_birth_mother)
LEFT JOIN census.country_of_birth_self ON country_of_birth_self.label = btrim(s.country_of_birth_self)
LEFT JOIN census.citizenship ON citizenship.label = btrim(s.citizenship)
LEFT JOIN census.fill_inc_questionnaire_for_veterans_admin ON fill_inc_questionnaire_for_veterans_admin.label = btrim(s.fill_inc_questionnaire_for_veterans_admin)
ORDER BY s.source_line;
