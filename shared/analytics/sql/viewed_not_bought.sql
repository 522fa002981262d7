-- Viewed but not bought: per item, the people who viewed it (Product Viewed, its properties.:item) between
-- :from and :to, and how many of them bought it (an Order Completed with the item among its
-- properties.products[]) at or after one of those views and at most :window_days after it. Purchases are read
-- up to :window_days after :to (:scan_to), so a view on the last day has its whole window. Rows: the :top
-- items with the most viewers who did not buy, with views, viewers, buyers, viewed_not_bought and
-- not_bought_rate = viewed_not_bought / viewers.
WITH interactions AS (
  SELECT
    profile_id,
    "timestamp" AS ts,
    dt,
    event,
    properties,
    CASE WHEN event = 'Order Completed' THEN json_array_length(json_extract(properties, '$.products')) END
      AS line_count
  FROM events_stitched
  WHERE dt BETWEEN :from AND :scan_to
    AND type = 'track'
    AND event IN ('Product Viewed', 'Order Completed')
    AND profile_id IS NOT NULL
),
-- One row per view in the range (is_purchase 0) and per distinct item of an order (is_purchase 1): a view
-- unnests to its one line 0, an order to its line items.
touches AS (
  SELECT DISTINCT
    i.profile_id,
    i.ts,
    CASE WHEN i.event = 'Order Completed' THEN 1 ELSE 0 END AS is_purchase,
    CASE
      WHEN i.event = 'Order Completed'
        THEN json_extract_scalar(i.properties, concat('$.products[', CAST(l.line AS varchar), '].', :item))
      ELSE json_extract_scalar(i.properties, concat('$.', :item))
    END AS item
  FROM (
    SELECT * FROM interactions WHERE event = 'Order Completed' OR dt BETWEEN :from AND :to
  ) AS i
  CROSS JOIN UNNEST(sequence(0, greatest(coalesce(i.line_count, 1), 1) - 1)) AS l (line)
),
-- For each purchase, the latest view of the same item by the same person at or before it (views first at the
-- same millisecond). A purchase within :window_days of that view converts it; when the latest view is further
-- back, so is every earlier one.
sequenced AS (
  SELECT
    profile_id,
    item,
    ts,
    is_purchase,
    max(CASE WHEN is_purchase = 0 THEN ts END) OVER (
      PARTITION BY profile_id, item ORDER BY ts, is_purchase ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS last_view
  FROM touches
  WHERE item IS NOT NULL
),
people AS (
  SELECT
    profile_id,
    item,
    count_if(is_purchase = 0) AS views,
    max(
      CASE
        WHEN is_purchase = 1 AND last_view IS NOT NULL
          AND date_diff('millisecond', last_view, ts) <= CAST(:window_days AS bigint) * 86400000
          THEN 1
        ELSE 0
      END
    ) AS bought
  FROM sequenced
  GROUP BY profile_id, item
),
items AS (
  SELECT
    item,
    sum(views) AS views,
    count(*) AS viewers,
    sum(bought) AS buyers
  FROM people
  WHERE views > 0
  GROUP BY item
),
ranked AS (
  SELECT
    item,
    views,
    viewers,
    buyers,
    viewers - buyers AS viewed_not_bought,
    CAST(viewers - buyers AS double) / viewers AS not_bought_rate,
    row_number() OVER (
      ORDER BY viewers - buyers DESC, CAST(viewers - buyers AS double) / viewers DESC, item
    ) AS ranking
  FROM items
)
SELECT item, views, viewers, buyers, viewed_not_bought, not_bought_rate
FROM ranked
WHERE ranking <= :top
ORDER BY ranking
