-- Paths: the most common sequences of up to :steps steps in a session, starting at the first occurrence of
-- :anchor in the session (:direction 'after') or ending at its last occurrence ('before'); without an anchor,
-- starting at the session's first step or ending at its last. Two kinds of rows:
-- - kind 'path', depth 0: a path (steps joined by ' > ') and the sessions that took it, the :top most common;
-- - kind 'transition', depth d >= 1: the Sankey edges between the d-th and (d+1)-th step from the anchor,
--   from_step -> to_step in time order, the :top most taken per depth. A NULL to_step ('after') is the
--   sessions that ended after from_step (the drop-off); a NULL from_step ('before') those that began at to_step.
-- share is a path's part of all anchored sessions, and an edge's part of the sessions at its node nearer the
-- anchor. With :collapse_repeats a step repeated back to back (a reload) counts once.
WITH
-- @include activity.sql
-- @include sessionized.sql
kept AS (
  SELECT profile_id, session_number, ts, step
  FROM sessionized
  WHERE step IS NOT NULL
    AND NOT (:collapse_repeats AND coalesce(step = previous_step, false))
),
-- Each session's steps in walking order: forwards in time from the start ('after'), backwards from the end
-- ('before'), so that the anchor is the first of its kind in that order and the path is the steps that follow.
walked AS (
  SELECT
    *,
    date_diff('millisecond', TIMESTAMP '1970-01-01 00:00:00', ts) * CASE WHEN :direction = 'after' THEN 1 ELSE -1 END
      AS walk
  FROM kept
),
positioned AS (
  SELECT
    step,
    row_number() OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS position,
    -- How many times the anchor occurred up to this step.
    count(CASE WHEN step = :anchor THEN 1 END) OVER (
      PARTITION BY profile_id, session_number ORDER BY walk, step
      ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW
    ) AS anchor_occurrence,
    lead(step, 1) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s2,
    lead(step, 2) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s3,
    lead(step, 3) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s4,
    lead(step, 4) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s5,
    lead(step, 5) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s6,
    lead(step, 6) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s7,
    lead(step, 7) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s8,
    lead(step, 8) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s9,
    lead(step, 9) OVER (PARTITION BY profile_id, session_number ORDER BY walk, step) AS s10
  FROM walked
),
-- One row per anchored session: s1 is the anchor, s2 .. s10 the steps after it ('after') or before it
-- ('before'), NULL past the session's end (or start) or past :steps.
anchored AS (
  SELECT
    step AS s1,
    CASE WHEN :steps >= 2 THEN s2 END AS s2,
    CASE WHEN :steps >= 3 THEN s3 END AS s3,
    CASE WHEN :steps >= 4 THEN s4 END AS s4,
    CASE WHEN :steps >= 5 THEN s5 END AS s5,
    CASE WHEN :steps >= 6 THEN s6 END AS s6,
    CASE WHEN :steps >= 7 THEN s7 END AS s7,
    CASE WHEN :steps >= 8 THEN s8 END AS s8,
    CASE WHEN :steps >= 9 THEN s9 END AS s9,
    CASE WHEN :steps >= 10 THEN s10 END AS s10
  FROM positioned
  WHERE CASE WHEN :anchor IS NULL THEN position = 1 ELSE step = :anchor AND anchor_occurrence = 1 END
),
path_counts AS (
  SELECT s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, count(*) AS sessions
  FROM anchored
  GROUP BY s1, s2, s3, s4, s5, s6, s7, s8, s9, s10
),
-- Each distinct path once as itself (depth 0) and once per edge (depth 1 .. :steps - 1), so that paths and
-- edges come from one pass over the events.
fanned AS (
  SELECT
    d.depth,
    CASE WHEN d.depth = 0 THEN
      CASE WHEN :direction = 'after' THEN concat_ws(' > ', s1, s2, s3, s4, s5, s6, s7, s8, s9, s10) ELSE concat_ws(' > ', s10, s9, s8, s7, s6, s5, s4, s3, s2, s1) END
    END AS path,
    CASE WHEN d.depth > 0 THEN
      ARRAY[s1, s2, s3, s4, s5, s6, s7, s8, s9, s10][greatest(d.depth, 1) + CASE WHEN :direction = 'after' THEN 0 ELSE 1 END]
    END AS from_step,
    CASE WHEN d.depth > 0 THEN
      ARRAY[s1, s2, s3, s4, s5, s6, s7, s8, s9, s10][greatest(d.depth, 1) + CASE WHEN :direction = 'after' THEN 1 ELSE 0 END]
    END AS to_step,
    sessions
  FROM path_counts
  CROSS JOIN UNNEST(sequence(0, :steps - 1)) AS d (depth)
  WHERE d.depth = 0 OR ARRAY[s1, s2, s3, s4, s5, s6, s7, s8, s9, s10][greatest(d.depth, 1)] IS NOT NULL
),
totals AS (
  SELECT depth, path, from_step, to_step, sum(sessions) AS sessions
  FROM fanned
  GROUP BY depth, path, from_step, to_step
),
ranked AS (
  SELECT
    *,
    sum(sessions) OVER (
      PARTITION BY depth, CASE WHEN :direction = 'after' THEN from_step ELSE to_step END
    ) AS node_sessions,
    row_number() OVER (
      PARTITION BY depth ORDER BY sessions DESC, path NULLS LAST, from_step NULLS LAST, to_step NULLS LAST
    ) AS ranking
  FROM totals
)
SELECT
  CASE WHEN depth = 0 THEN 'path' ELSE 'transition' END AS kind,
  depth,
  ranking,
  path,
  from_step,
  to_step,
  sessions,
  CAST(sessions AS double) / node_sessions AS share
FROM ranked
WHERE ranking <= :top
ORDER BY depth, ranking
