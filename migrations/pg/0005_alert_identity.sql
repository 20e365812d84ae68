ALTER TABLE "alert_groups" ADD COLUMN "firing_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_groups" ADD COLUMN "truncated_alerts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "alert_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "changed_at" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Backfill: alerts used to be one row per delivery. Give each row its identity (the fingerprint; rows
-- without one stay distinct), then keep one row per alert and group: the latest delivery's, dated
-- from the first delivery that carried it.
UPDATE alerts SET alert_key = COALESCE(fingerprint, 'id:' || id), changed_at = received_at;
--> statement-breakpoint
CREATE INDEX alerts_group_key_backfill ON alerts (group_id, alert_key, received_at);
--> statement-breakpoint
UPDATE alerts SET received_at = (SELECT min(b.received_at) FROM alerts b WHERE b.group_id = alerts.group_id AND b.alert_key = alerts.alert_key);
--> statement-breakpoint
DELETE FROM alerts WHERE id IN (SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY group_id, alert_key ORDER BY changed_at DESC, id DESC) AS n FROM alerts) ranked WHERE n > 1);
--> statement-breakpoint
DROP INDEX alerts_group_key_backfill;
--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_group_key" ON "alerts" USING btree ("group_id","alert_key");
--> statement-breakpoint
-- Groups count the alerts really in them, and how many of those fire.
UPDATE alert_groups SET alert_count = (SELECT count(*) FROM alerts WHERE alerts.group_id = alert_groups.id), firing_count = (SELECT count(*) FROM alerts WHERE alerts.group_id = alert_groups.id AND alerts.status = 'firing') WHERE EXISTS (SELECT 1 FROM alerts WHERE alerts.group_id = alert_groups.id);
