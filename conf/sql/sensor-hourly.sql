-- Shared by the batch and the streaming spec of sensor-hourly: one definition, two modes.
SELECT device_id, window_start, window_end,
       COUNT(*) AS readings,
       AVG(temperature_c) AS avg_temp
FROM TABLE(TUMBLE(TABLE events, DESCRIPTOR(`timestamp`), INTERVAL '1' HOUR))
GROUP BY device_id, window_start, window_end
