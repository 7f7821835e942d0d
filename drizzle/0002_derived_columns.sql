-- Derived and copied columns, kept by the database itself so that every writer (seed, admin API, bulk
-- import, psql) leaves the catalogue consistent:
--   models.search_name            = brand name + model name
--   models.price_min/max, fuels, transmissions, seat_options, variant_count   from live variants
--   variants.brand_id, body_type, status, popularity, launch_date, search_name from the model and brand
-- Variant changes refresh their models once per statement (transition tables), so a 5,000-row insert
-- costs one aggregate per touched model, not one per row.

ALTER TABLE "brands" ADD CONSTRAINT "brands_slug_format" CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$');--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_slug_format" CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$');--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_slug_format" CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$');--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_body_type_check" CHECK (body_type IN ('hatchback','sedan','suv','muv','coupe','convertible','pickup','van','wagon'));--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_status_check" CHECK (status IN ('current','upcoming','discontinued'));--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_popularity_check" CHECK (popularity BETWEEN 0 AND 100);--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_fuel_check" CHECK (fuel IN ('petrol','diesel','cng','electric','hybrid'));--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_transmission_check" CHECK (transmission IN ('manual','automatic','amt','cvt','dct'));--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_drivetrain_check" CHECK (drivetrain IN ('fwd','rwd','awd','4wd'));--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_price_check" CHECK (price_inr > 0);--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_seats_check" CHECK (seats BETWEEN 1 AND 20);--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_safety_rating_check" CHECK (safety_rating BETWEEN 0 AND 5);--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_intent_check" CHECK (intent IN ('test-drive','price-quote'));--> statement-breakpoint
ALTER TABLE "newsletter_subscribers" ADD CONSTRAINT "newsletter_status_check" CHECK (status IN ('pending','confirmed','unsubscribed'));--> statement-breakpoint

CREATE FUNCTION gz_models_set_search_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT b.name || ' ' || NEW.name INTO NEW.search_name FROM brands b WHERE b.id = NEW.brand_id;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER models_set_search_name BEFORE INSERT OR UPDATE OF name, brand_id ON models
  FOR EACH ROW EXECUTE FUNCTION gz_models_set_search_name();--> statement-breakpoint

CREATE FUNCTION gz_variants_copy_model() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT m.brand_id, m.body_type, m.status, m.popularity, m.launch_date, m.search_name || ' ' || NEW.name
    INTO NEW.brand_id, NEW.body_type, NEW.status, NEW.popularity, NEW.launch_date, NEW.search_name
    FROM models m WHERE m.id = NEW.model_id;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER variants_copy_model BEFORE INSERT OR UPDATE OF model_id, name ON variants
  FOR EACH ROW EXECUTE FUNCTION gz_variants_copy_model();--> statement-breakpoint

-- A model's copied columns changed: touch model_id so the row trigger above re-copies them.
CREATE FUNCTION gz_models_propagate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW.brand_id, NEW.search_name, NEW.body_type, NEW.status, NEW.popularity, NEW.launch_date)
     IS DISTINCT FROM (OLD.brand_id, OLD.search_name, OLD.body_type, OLD.status, OLD.popularity, OLD.launch_date) THEN
    UPDATE variants SET model_id = model_id WHERE model_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER models_propagate AFTER UPDATE OF name, brand_id, body_type, status, popularity, launch_date ON models
  FOR EACH ROW EXECUTE FUNCTION gz_models_propagate();--> statement-breakpoint

CREATE FUNCTION gz_brands_propagate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.name IS DISTINCT FROM OLD.name THEN
    UPDATE models SET brand_id = brand_id WHERE brand_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER brands_propagate AFTER UPDATE OF name ON brands
  FOR EACH ROW EXECUTE FUNCTION gz_brands_propagate();--> statement-breakpoint

CREATE FUNCTION gz_refresh_models(model_ids integer[]) RETURNS void LANGUAGE sql AS $$
  UPDATE models m
     SET price_min_inr = d.price_min, price_max_inr = d.price_max,
         fuels = d.fuels, transmissions = d.transmissions, seat_options = d.seat_options,
         variant_count = d.variant_count
    FROM (
      SELECT ids.id AS model_id,
             min(v.price_inr) AS price_min, max(v.price_inr) AS price_max,
             coalesce(array_agg(DISTINCT v.fuel) FILTER (WHERE v.id IS NOT NULL), '{}') AS fuels,
             coalesce(array_agg(DISTINCT v.transmission) FILTER (WHERE v.id IS NOT NULL), '{}') AS transmissions,
             coalesce(array_agg(DISTINCT v.seats) FILTER (WHERE v.id IS NOT NULL), '{}') AS seat_options,
             count(v.id)::integer AS variant_count
        FROM (SELECT DISTINCT unnest(model_ids) AS id) ids
        LEFT JOIN variants v ON v.model_id = ids.id AND v.deleted_at IS NULL
       GROUP BY ids.id
    ) d
   WHERE m.id = d.model_id
$$;--> statement-breakpoint

CREATE FUNCTION gz_variants_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM gz_refresh_models(ARRAY(SELECT DISTINCT model_id FROM new_rows));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION gz_variants_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM gz_refresh_models(ARRAY(SELECT model_id FROM new_rows UNION SELECT model_id FROM old_rows));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE FUNCTION gz_variants_after_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM gz_refresh_models(ARRAY(SELECT DISTINCT model_id FROM old_rows));
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER variants_after_insert AFTER INSERT ON variants REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gz_variants_after_insert();--> statement-breakpoint
CREATE TRIGGER variants_after_update AFTER UPDATE ON variants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gz_variants_after_update();--> statement-breakpoint
CREATE TRIGGER variants_after_delete AFTER DELETE ON variants REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION gz_variants_after_delete();
