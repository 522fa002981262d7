-- Training occasions: the purchase occasions (day number, cents) up to the end of :as_of of at most
-- :training_profiles people, for the out-of-time churn model (shared/scoring/churn.ts), which needs whole
-- histories. The people are a uniform sample when there are more: ordered by the random part of the profile
-- id (characters 11 to 26; the first ten are its creation time), so the sample is the same on every run.
WITH
-- @include occasions.sql
sampled AS (
  SELECT profile_id
  FROM (
    SELECT
      profile_id,
      row_number() OVER (ORDER BY substr(profile_id, 11), profile_id) AS place
    FROM (SELECT DISTINCT profile_id FROM occasions) AS buyers
  ) AS ranked
  WHERE place <= :training_profiles
)
SELECT o.profile_id, o.day, o.cents
FROM occasions AS o
JOIN sampled AS s ON s.profile_id = o.profile_id
ORDER BY o.profile_id, o.day
