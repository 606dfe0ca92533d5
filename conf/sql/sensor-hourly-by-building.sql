-- Shared by the batch and the streaming spec of sensor-hourly-by-building: hourly readings per
-- device, enriched with the building and floor of the device registry. The window is aggregated
-- first and joined after: a window aggregate stays append-only through an inner join with a
-- dimension in streaming too (a window TVF after a regular join would not, its time attribute is
-- lost), and the join then sees one row per device and hour instead of every reading.
SELECT d.building, d.floor_number, h.device_id, h.window_start, h.window_end, h.readings, h.avg_temp
FROM (
    SELECT device_id, window_start, window_end,
           COUNT(*) AS readings,
           AVG(temperature_c) AS avg_temp
    FROM TABLE(TUMBLE(TABLE readings, DESCRIPTOR(`timestamp`), INTERVAL '1' HOUR))
    GROUP BY device_id, window_start, window_end
) AS h
JOIN devices AS d ON h.device_id = d.device_id
