CREATE SEQUENCE "public"."alert_group_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;
--> statement-breakpoint
SELECT setval('"public"."alert_group_number_seq"', GREATEST((SELECT COALESCE(MAX("number"), 0) FROM "alert_groups"), (SELECT COALESCE(MAX("value"), 0) FROM "counters" WHERE "name" = 'alert_group_number'), 1), (SELECT COUNT(*) > 0 FROM "alert_groups"));
