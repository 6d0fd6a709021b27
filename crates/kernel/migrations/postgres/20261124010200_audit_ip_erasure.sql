-- The audit log stays append-only, with one exception the law requires: when a
-- person exercises their ARCO right of cancellation, the IP addresses recorded
-- with their actions are erased (set to NULL). Nothing else may change.

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.ip IS NULL
       AND (NEW.id, NEW.at, NEW.actor_kind, NEW.actor_user_id, NEW.request_id, NEW.entity,
            NEW.entity_id, NEW.action, NEW.before_json, NEW.after_json)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.at, OLD.actor_kind, OLD.actor_user_id, OLD.request_id, OLD.entity,
            OLD.entity_id, OLD.action, OLD.before_json, OLD.after_json)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
