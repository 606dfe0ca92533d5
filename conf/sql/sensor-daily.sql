-- Daily roll-up of the hourly aggregates; the average is weighted by each hour's readings.
-- (A bounded roll-up: a plain GROUP BY, so it runs as a batch step.)
SELECT device_id,
       FLOOR(window_start TO DAY) AS window_start,
       FLOOR(window_start TO DAY) + INTERVAL '1' DAY AS window_end,
       SUM(readings) AS readings,
       SUM(avg_temp * readings) / SUM(readings) AS avg_temp
FROM events
GROUP BY device_id, FLOOR(window_start TO DAY)
