-- The audit log stays append-only, with one exception the law requires: when a
-- person exercises their ARCO right of cancellation, the IP addresses recorded
-- with their actions are erased (set to NULL). Nothing else may change.

DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (
    NEW.ip IS NULL
    AND NEW.id = OLD.id
    AND NEW.at = OLD.at
    AND NEW.actor_kind = OLD.actor_kind
    AND NEW.actor_user_id IS OLD.actor_user_id
    AND NEW.request_id IS OLD.request_id
    AND NEW.entity = OLD.entity
    AND NEW.entity_id IS OLD.entity_id
    AND NEW.action = OLD.action
    AND NEW.before_json IS OLD.before_json
    AND NEW.after_json IS OLD.after_json
)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
