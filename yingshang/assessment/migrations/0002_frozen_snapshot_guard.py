from django.db import migrations

# A frozen assessment is a snapshot that never changes. The services refuse it; on PostgreSQL the database
# refuses it too: no UPDATE or DELETE of a frozen run's results and lines, no change to a frozen run's
# inputs, period, set or version, and no DELETE of a frozen run. (SQLite has no such guard.)
CREATE = """
CREATE OR REPLACE FUNCTION assessment_refuse_frozen_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM assessment_assessmentrun WHERE id = OLD.run_id AND frozen_at IS NOT NULL) THEN
        RAISE EXCEPTION '考核结果已冻结：拒绝对 % 执行 %', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE OR REPLACE FUNCTION assessment_refuse_frozen_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.frozen_at IS NOT NULL THEN
        IF TG_OP = 'DELETE'
           OR NEW.inputs::text <> OLD.inputs::text
           OR NEW.frozen_at IS DISTINCT FROM OLD.frozen_at
           OR NEW.period_code <> OLD.period_code
           OR NEW.indicator_set_id <> OLD.indicator_set_id
           OR NEW.number <> OLD.number
           OR NEW.computed_at <> OLD.computed_at THEN
            RAISE EXCEPTION '考核结果已冻结：拒绝修改快照（%）', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER assessment_result_frozen BEFORE UPDATE OR DELETE ON assessment_departmentresult
    FOR EACH ROW EXECUTE FUNCTION assessment_refuse_frozen_line();
CREATE TRIGGER assessment_line_frozen BEFORE UPDATE OR DELETE ON assessment_resultline
    FOR EACH ROW EXECUTE FUNCTION assessment_refuse_frozen_line();
CREATE TRIGGER assessment_run_frozen BEFORE UPDATE OR DELETE ON assessment_assessmentrun
    FOR EACH ROW EXECUTE FUNCTION assessment_refuse_frozen_run();
"""
DROP = """
DROP TRIGGER IF EXISTS assessment_result_frozen ON assessment_departmentresult;
DROP TRIGGER IF EXISTS assessment_line_frozen ON assessment_resultline;
DROP TRIGGER IF EXISTS assessment_run_frozen ON assessment_assessmentrun;
DROP FUNCTION IF EXISTS assessment_refuse_frozen_line();
DROP FUNCTION IF EXISTS assessment_refuse_frozen_run();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
