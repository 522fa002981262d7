-- Searched but not bought: per search term, the people who searched it (Products Searched, its
-- properties.query lower-cased) between :from and :to, and how many of them completed an order (any Order
-- Completed: a search names no product) at or after one of those searches and at most :window_days after it.
-- Orders are read up to :window_days after :to (:scan_to), so a search on the last day has its whole window.
-- Rows: the :top terms with the most searchers who did not buy, with searches, searchers, buyers,
-- searched_not_bought and not_bought_rate = searched_not_bought / searchers.
WITH scanned AS (
  SELECT
    profile_id,
    "timestamp" AS ts,
    dt,
    event,
    CASE WHEN event = 'Products Searched' THEN lower(json_extract_scalar(properties, '$.query')) END AS term
  FROM events_stitched
  WHERE dt BETWEEN :from AND :scan_to
    AND type = 'track'
    AND event IN ('Products Searched', 'Order Completed')
    AND profile_id IS NOT NULL
),
-- For each search, the person's first order at or after it (searches sort first within a millisecond, so an
-- order at the same moment counts): one pass, no self-join.
sequenced AS (
  SELECT
    profile_id,
    ts,
    dt,
    event,
    term,
    min(CASE WHEN event = 'Order Completed' THEN ts END) OVER (
      PARTITION BY profile_id
      ORDER BY ts, CASE WHEN event = 'Products Searched' THEN 0 ELSE 1 END
      ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING
    ) AS next_order
  FROM scanned
),
people AS (
  SELECT
    profile_id,
    term,
    count(*) AS searches,
    max(
      CASE
        WHEN next_order IS NOT NULL
          AND date_diff('millisecond', ts, next_order) <= CAST(:window_days AS bigint) * 86400000
          THEN 1
        ELSE 0
      END
    ) AS bought
  FROM sequenced
  WHERE event = 'Products Searched' AND dt <= :to AND term IS NOT NULL AND term <> ''
  GROUP BY profile_id, term
),
terms AS (
  SELECT term, sum(searches) AS searches, count(*) AS searchers, sum(bought) AS buyers
  FROM people
  GROUP BY term
),
ranked AS (
  SELECT
    term,
    searches,
    searchers,
    buyers,
    searchers - buyers AS searched_not_bought,
    CAST(searchers - buyers AS double) / searchers AS not_bought_rate,
    row_number() OVER (
      ORDER BY searchers - buyers DESC, CAST(searchers - buyers AS double) / searchers DESC, term
    ) AS ranking
  FROM terms
)
SELECT term, searches, searchers, buyers, searched_not_bought, not_bought_rate
FROM ranked
WHERE ranking <= :top
ORDER BY ranking
