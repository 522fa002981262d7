-- Channel KPIs for the period :from .. :to, per channel (the :by column of an event, '(not set)' when empty)
-- and overall ('(all)'). A person is active on a channel in a period when they have an activity event (track,
-- page, screen) on it then; a customer of a period has a :conversion_event in it, on any channel, and their
-- orders are those conversions. Per channel, every measure is over the people active on it in the period:
-- conversion_rate = customers / active_profiles; repeat_purchase_rate = repeat_customers (2 orders or more) /
-- customers; retention_rate = retained_customers / previous_customers, where previous_customers are the
-- customers of the previous period (as many days, just before :from: :previous_from .. :from - 1) active on
-- the channel then, and retained ones are customers again in this period; churn_rate = 1 - retention_rate.
-- A rate whose denominator is 0 is NULL.
WITH marked AS (
  SELECT
    profile_id,
    coalesce(
      CASE :by
        WHEN 'channel' THEN channel
        WHEN 'marketing_channel' THEN marketing_channel
        WHEN 'source' THEN source
        WHEN 'device_type' THEN device_type
      END,
      '(not set)'
    ) AS label,
    dt >= :from AS is_current,
    type = 'track' AND event = :conversion_event AS is_conversion
  FROM events_stitched
  WHERE dt BETWEEN :previous_from AND :to
    AND type IN ('track', 'page', 'screen')
    AND profile_id IS NOT NULL
),
per_channel AS (
  SELECT
    profile_id,
    label,
    count_if(is_current) AS current_events,
    count_if(NOT is_current) AS previous_events,
    count_if(is_current AND is_conversion) AS current_orders_here,
    count_if(NOT is_current AND is_conversion) AS previous_orders_here
  FROM marked
  GROUP BY profile_id, label
),
-- Orders are the person's, on whichever channel they happened.
people AS (
  SELECT
    profile_id,
    label,
    current_events,
    previous_events,
    sum(current_orders_here) OVER (PARTITION BY profile_id) AS current_orders,
    sum(previous_orders_here) OVER (PARTITION BY profile_id) AS previous_orders
  FROM per_channel
),
-- (label): per channel; (): overall, where a person active on several channels counts once.
counted AS (
  SELECT
    CASE WHEN grouping(label) = 1 THEN '(all)' ELSE label END AS channel,
    grouping(label) AS is_overall,
    count(DISTINCT CASE WHEN current_events > 0 THEN profile_id END) AS active_profiles,
    count(DISTINCT CASE WHEN current_events > 0 AND current_orders > 0 THEN profile_id END) AS customers,
    count(DISTINCT CASE WHEN current_events > 0 AND current_orders > 1 THEN profile_id END)
      AS repeat_customers,
    count(DISTINCT CASE WHEN previous_events > 0 AND previous_orders > 0 THEN profile_id END)
      AS previous_customers,
    count(DISTINCT CASE WHEN previous_events > 0 AND previous_orders > 0 AND current_orders > 0 THEN profile_id END)
      AS retained_customers
  FROM people
  GROUP BY GROUPING SETS ((label), ())
)
SELECT
  channel,
  active_profiles,
  customers,
  CAST(customers AS double) / nullif(active_profiles, 0) AS conversion_rate,
  repeat_customers,
  CAST(repeat_customers AS double) / nullif(customers, 0) AS repeat_purchase_rate,
  previous_customers,
  retained_customers,
  CAST(retained_customers AS double) / nullif(previous_customers, 0) AS retention_rate,
  1 - CAST(retained_customers AS double) / nullif(previous_customers, 0) AS churn_rate
FROM counted
WHERE active_profiles > 0 OR previous_customers > 0
ORDER BY is_overall DESC, active_profiles DESC, channel
