-- Analytics (hand-written: drizzle-kit cannot express partitioning; meta/0005_snapshot.json matches
-- src/db/schema so the next `drizzle-kit generate` starts from here).
--
-- analytics_events becomes PARTITIONED BY RANGE (created_at): one partition per UTC month, named
-- analytics_events_yYYYYmMM, plus a DEFAULT partition for anything outside them. Retention drops whole
-- months (no DELETE, no bloat, no vacuum debt). The old table was never written to, so it is replaced.
-- analytics_events_maintain() keeps the months; src/analytics/ calls it on a schedule.
DROP TABLE "analytics_events";--> statement-breakpoint
CREATE TABLE "analytics_events" (
	"id" bigserial NOT NULL,
	"type" text NOT NULL,
	"path" text,
	"model_id" integer,
	"variant_id" integer,
	"variant_ids" integer[],
	"model_ids" integer[],
	"session_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "analytics_events_id_created_at_pk" PRIMARY KEY("id","created_at")
) PARTITION BY RANGE ("created_at");
--> statement-breakpoint
CREATE TABLE "analytics_events_default" PARTITION OF "analytics_events" DEFAULT;--> statement-breakpoint
CREATE INDEX "analytics_events_type_created_idx" ON "analytics_events" USING btree ("type","created_at");--> statement-breakpoint
CREATE INDEX "analytics_events_model_created_idx" ON "analytics_events" USING btree ("model_id","created_at");--> statement-breakpoint
CREATE TABLE "analytics_model_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"model_id" integer NOT NULL,
	"page_views" integer DEFAULT 0 NOT NULL,
	"compares" integer DEFAULT 0 NOT NULL,
	"lead_form_opens" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_model_hourly_hour_model_id_pk" PRIMARY KEY("hour","model_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_compare_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"model_ids" integer[] NOT NULL,
	"compares" integer NOT NULL,
	CONSTRAINT "analytics_compare_hourly_hour_model_ids_pk" PRIMARY KEY("hour","model_ids")
);
--> statement-breakpoint
CREATE TABLE "trending_models" (
	"model_id" integer PRIMARY KEY NOT NULL,
	"score" integer NOT NULL,
	"page_views" integer NOT NULL,
	"compares" integer NOT NULL,
	"lead_form_opens" integer NOT NULL,
	"computed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "trending_models" ADD CONSTRAINT "trending_models_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "trending_models_score_idx" ON "trending_models" USING btree ("score" DESC NULLS LAST,"model_id");--> statement-breakpoint
ALTER TABLE "popular_comparisons" ADD COLUMN "source" text DEFAULT 'editor' NOT NULL;--> statement-breakpoint
ALTER TABLE "popular_comparisons" ADD COLUMN "score" integer DEFAULT 0 NOT NULL;--> statement-breakpoint

-- The roll-up owns the rows it wrote (source 'analytics') and marks its transaction with
-- gadizone.writer = 'analytics'. Any other writer (admin API, seed, psql) that updates such a row takes it
-- over: it becomes 'editor', and the roll-up never touches it again (a soft delete then keeps that set
-- off the list for good).
CREATE FUNCTION popular_comparisons_adopt() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.source = 'analytics' AND current_setting('gadizone.writer', true) IS DISTINCT FROM 'analytics' THEN
    NEW.source := 'editor';
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER popular_comparisons_adopt BEFORE UPDATE ON popular_comparisons
  FOR EACH ROW EXECUTE FUNCTION popular_comparisons_adopt();--> statement-breakpoint

-- Ensures the partitions of the month of p_now and the p_months_ahead months after it (moving rows the
-- DEFAULT partition caught for those months into them), then drops every month partition that lies
-- entirely before p_now - p_retention_days, and deletes DEFAULT rows older than that. Idempotent; one
-- caller at a time (advisory lock). DDL waits at most 5 s for its lock: a partition that cannot be
-- dropped now is dropped by the next run, instead of queueing every insert behind the DROP.
CREATE FUNCTION analytics_events_maintain(p_now timestamptz, p_retention_days integer, p_months_ahead integer DEFAULT 2)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql AS $$
DECLARE
  first_month timestamp := date_trunc('month', p_now AT TIME ZONE 'UTC');
  cutoff timestamptz := p_now - make_interval(days => p_retention_days);
  month_start timestamp;
  lower_bound timestamptz;
  upper_bound timestamptz;
  part text;
  purged bigint;
BEGIN
  IF p_retention_days < 1 OR p_months_ahead < 0 THEN
    RAISE EXCEPTION 'analytics_events_maintain: retention must be at least 1 day and months ahead at least 0';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('analytics_events_maintain'));
  PERFORM set_config('lock_timeout', '5s', true);

  FOR i IN 0..p_months_ahead LOOP
    month_start := first_month + make_interval(months => i);
    lower_bound := month_start AT TIME ZONE 'UTC';
    upper_bound := (month_start + interval '1 month') AT TIME ZONE 'UTC';
    part := 'analytics_events_' || to_char(month_start, '"y"YYYY"m"MM');
    CONTINUE WHEN upper_bound <= cutoff OR to_regclass(quote_ident(part)) IS NOT NULL;
    -- Created apart and attached: ATTACH takes only SHARE UPDATE EXCLUSIVE on the parent, so inserts go on.
    EXECUTE format('CREATE TABLE %I (LIKE analytics_events INCLUDING DEFAULTS)', part);
    EXECUTE format(
      'WITH moved AS (DELETE FROM analytics_events_default WHERE created_at >= %L AND created_at < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
      lower_bound, upper_bound, part);
    EXECUTE format('ALTER TABLE analytics_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lower_bound, upper_bound);
    action := 'created';
    partition_name := part;
    RETURN NEXT;
  END LOOP;

  FOR part IN
    SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'analytics_events'::regclass AND c.relname ~ '^analytics_events_y[0-9]{4}m[0-9]{2}$'
     ORDER BY c.relname
  LOOP
    upper_bound := (make_timestamp(substr(part, 19, 4)::int, substr(part, 24, 2)::int, 1, 0, 0, 0) + interval '1 month') AT TIME ZONE 'UTC';
    CONTINUE WHEN upper_bound > cutoff;
    BEGIN
      EXECUTE format('DROP TABLE %I', part);
      action := 'dropped';
      partition_name := part;
      RETURN NEXT;
    EXCEPTION WHEN lock_not_available THEN
      RAISE WARNING 'analytics_events_maintain: % is busy; it will be dropped by a later run', part;
    END;
  END LOOP;

  DELETE FROM analytics_events_default WHERE created_at < cutoff;
  GET DIAGNOSTICS purged = ROW_COUNT;
  IF purged > 0 THEN
    action := 'purged';
    partition_name := 'analytics_events_default';
    RETURN NEXT;
  END IF;
END
$$;--> statement-breakpoint
SELECT * FROM analytics_events_maintain(now(), 90);
