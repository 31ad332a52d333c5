/*
 * The statements of a usage flush, run in one transaction. Traffic travels as one JSON document
 * (`$1`) of rows, one per tenant, device and hour (see `trafficRows`).
 */

/** Whose traffic is whose: the newest Sim of the tenant linked to the device's IMEI (or trackerId). */
const METERED_TRAFFIC = `
traffic AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS t("tenantId" uuid, "deviceId" text,
    hour timestamptz, "firstAt" timestamptz, "lastAt" timestamptz, "uploadBytes" bigint,
    "downloadBytes" bigint, "uploadPackets" bigint, "downloadPackets" bigint, "sessionSid" text)
),
metered AS (
  SELECT sim.sid AS sim_sid, t.*
  FROM traffic t
  CROSS JOIN LATERAL (
    SELECT s.sid FROM wireless_sims s
    WHERE s.tenant_id = t."tenantId" AND s.imei = t."deviceId"
    ORDER BY s.created_at DESC, s.sid DESC
    LIMIT 1
  ) sim
)`;

/**
 * Ends the open sessions that are over: those of Sims whose new traffic starts after more than the
 * idle time of silence (the traffic opens the next session), and those of Sims without new traffic
 * idle for longer than the idle time plus a grace, for traffic other API processes still hold.
 * `$2` is the flush's time, `$3` the idle time and `$4` the grace, in milliseconds. Runs before the
 * upsert: a session it ends is no longer the open one the upsert adds to.
 */
export const END_SESSIONS_SQL = `
WITH ${METERED_TRAFFIC},
resumed AS (SELECT sim_sid, min("firstAt") AS first_at FROM metered GROUP BY sim_sid),
open AS (
  SELECT o.sid,
    COALESCE(r.first_at, $2::timestamptz - $4 * interval '1 millisecond') AS resumes_at
  FROM wireless_data_sessions o LEFT JOIN resumed r ON r.sim_sid = o.sim_sid
  WHERE o.ended_at IS NULL
)
UPDATE wireless_data_sessions d SET ended_at = d.last_updated_at
FROM open
-- On the row itself, so that a row another flush has just changed is judged as it is now.
WHERE d.sid = open.sid AND d.ended_at IS NULL
  AND d.last_updated_at < open.resumes_at - $3 * interval '1 millisecond'`;

/**
 * Adds the traffic to each Sim's hours and to its open session, opening one where there is none.
 * Rows are taken in Sim order, so concurrent flushes of other processes lock in the same order.
 */
export const UPSERT_USAGE_SQL = `
WITH ${METERED_TRAFFIC},
hours AS (
  INSERT INTO wireless_sim_usage AS u (sim_sid, hour, tenant_id, upload_bytes, download_bytes)
  SELECT sim_sid, hour, "tenantId", sum("uploadBytes"), sum("downloadBytes")
  FROM metered GROUP BY sim_sid, hour, "tenantId" ORDER BY sim_sid, hour
  ON CONFLICT (sim_sid, hour) DO UPDATE SET
    upload_bytes = u.upload_bytes + EXCLUDED.upload_bytes,
    download_bytes = u.download_bytes + EXCLUDED.download_bytes
)
INSERT INTO wireless_data_sessions AS d (sid, tenant_id, sim_sid, imei, started_at, last_updated_at,
  packets_uploaded, packets_downloaded, bytes_uploaded, bytes_downloaded)
SELECT min("sessionSid"), "tenantId", sim_sid, "deviceId", min("firstAt"), max("lastAt"),
  sum("uploadPackets"), sum("downloadPackets"), sum("uploadBytes"), sum("downloadBytes")
FROM metered GROUP BY sim_sid, "tenantId", "deviceId" ORDER BY sim_sid
ON CONFLICT (sim_sid) WHERE ended_at IS NULL DO UPDATE SET
  started_at = LEAST(d.started_at, EXCLUDED.started_at),
  last_updated_at = GREATEST(d.last_updated_at, EXCLUDED.last_updated_at),
  packets_uploaded = d.packets_uploaded + EXCLUDED.packets_uploaded,
  packets_downloaded = d.packets_downloaded + EXCLUDED.packets_downloaded,
  bytes_uploaded = d.bytes_uploaded + EXCLUDED.bytes_uploaded,
  bytes_downloaded = d.bytes_downloaded + EXCLUDED.bytes_downloaded`;
