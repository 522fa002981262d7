-- orders .. occasions: each person's purchase occasions up to the end of :as_of. An order is a track call
-- `Order Completed`; its value is `properties.revenue`, else `properties.total` (as profiles count orders,
-- shared/profiles/apply.ts), else 0, rounded to whole cents once and never below 0 (refunds are not netted
-- here). All orders of one UTC day are one occasion, their cents summed. `day` is the UTC day number
-- (days since 1970-01-01), the scoring code's day.
orders AS (
  SELECT
    profile_id,
    date_diff('day', DATE '1970-01-01', CAST("timestamp" AS date)) AS day,
    greatest(
      CAST(
        round(
          coalesce(
            try_cast(json_extract_scalar(properties, '$.revenue') AS double),
            try_cast(json_extract_scalar(properties, '$.total') AS double),
            0
          ) * 100
        ) AS bigint
      ),
      0
    ) AS cents
  FROM events_stitched
  WHERE dt <= :as_of
    AND type = 'track'
    AND event = 'Order Completed'
    AND profile_id IS NOT NULL
),
occasions AS (
  SELECT profile_id, day, sum(cents) AS cents
  FROM orders
  GROUP BY profile_id, day
),
