CREATE SEQUENCE "public"."catalogue_change_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
ALTER TABLE "brands" ADD COLUMN "change_seq" bigint DEFAULT nextval('catalogue_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "change_seq" bigint DEFAULT nextval('catalogue_change_seq') NOT NULL;--> statement-breakpoint
ALTER TABLE "variants" ADD COLUMN "change_seq" bigint DEFAULT nextval('catalogue_change_seq') NOT NULL;--> statement-breakpoint
CREATE INDEX "models_change_seq_idx" ON "models" USING btree ("change_seq") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_change_seq_idx" ON "variants" USING btree ("change_seq") WHERE deleted_at IS NULL;--> statement-breakpoint
-- Every update takes the next value too (an insert takes it from the column default), whoever writes:
-- the admin API, the bulk import, the seed loader, or the triggers of 0002 copying a model's columns.
CREATE FUNCTION catalogue_next_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_seq := nextval('catalogue_change_seq');
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER brands_change_seq BEFORE UPDATE ON brands FOR EACH ROW EXECUTE FUNCTION catalogue_next_change_seq();--> statement-breakpoint
CREATE TRIGGER models_change_seq BEFORE UPDATE ON models FOR EACH ROW EXECUTE FUNCTION catalogue_next_change_seq();--> statement-breakpoint
CREATE TRIGGER variants_change_seq BEFORE UPDATE ON variants FOR EACH ROW EXECUTE FUNCTION catalogue_next_change_seq();
