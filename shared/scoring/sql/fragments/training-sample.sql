-- sampled: at most :training_profiles of the people with a purchase occasion (the `occasions` CTE) by the end
-- of :as_of, for the churn model (shared/scoring/churn.ts). A uniform sample when there are more: ordered by the
-- random part of the profile id (characters 11 to 26; the first ten are its creation time), so the sample is
-- the same on every run and in every query that includes this fragment.
sampled AS (
  SELECT profile_id
  FROM (
    SELECT
      profile_id,
      row_number() OVER (ORDER BY substr(profile_id, 11), profile_id) AS place
    FROM (SELECT DISTINCT profile_id FROM occasions) AS buyers
  ) AS ranked
  WHERE place <= :training_profiles
),
