-- activity: each profile's track, page and screen events of the days :scan_from to :scan_to (the dt
-- partitions, so Athena reads no other day), with its step (the event name of a track call, else the page or
-- screen name, else the page path) and its campaign (UTM source / medium / campaign) when it carries one.
activity AS (
  SELECT
    profile_id,
    "timestamp" AS ts,
    dt,
    type,
    CASE WHEN type = 'track' THEN event ELSE coalesce(name, page_path) END AS step,
    CASE
      WHEN utm_source IS NOT NULL OR utm_medium IS NOT NULL OR utm_campaign IS NOT NULL
        THEN concat(coalesce(utm_source, ''), ' / ', coalesce(utm_medium, ''), ' / ', coalesce(utm_campaign, ''))
    END AS campaign,
    marketing_channel,
    utm_source,
    utm_campaign,
    channel,
    source,
    device_type,
    properties
  FROM events_stitched
  WHERE dt BETWEEN :scan_from AND :scan_to
    AND type IN ('track', 'page', 'screen')
    AND profile_id IS NOT NULL
),
