"""THE permission matrix: for every URL name of the project (pages and API), what each role and an
anonymous visitor gets for a GET and for an empty POST, against the world of `world.py`.

Outcome classes: ok = 2xx; login = redirect to the sign-in page; redir = any other redirect (a refused
or invalid form sends the user back with a message); 401/403/404/405/422 = that status. Records named by
id belong to department A (ledger task, appeal) and enterprise 1 (appeal): `liaison_b` (department B)
and `enterprise_b` must get 404 for them. Ids of records the world does not hold give 404 to the roles
that may use the page, and 403 to those that may not: the role is refused before any record is looked up.

"-" means the request is not made (signing out, switching language).
A new URL fails `test_every_url_is_in_the_table` until a row is added here.
"""

ROLES = (
    "anonymous",
    "office",
    "liaison",
    "dept_head",
    "liaison_b",
    "inspector",
    "discipline",
    "leader",
    "enterprise",
    "enterprise_b",
    "sysadmin",
    "secadmin",
    "auditor",
)

# fmt: off
TABLE: dict[str, tuple[str, str]] = {
    #     anon  office liais head  liaB  insp  disc  lead  ent   entB  sys   sec   aud
    "api:act_instruction": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "api:act_order": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "api:api-root": (
        "404   404   404   404   404   404   404   404   404   404   404   404   404",
        "404   404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "api:compute_run": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   422   422   422   422   422   422   422   422   422   422   422   422",
    ),
    "api:duplicates": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   422   422   422   422   422   422   422   422   422   422   422   422",
    ),
    "api:get_order": (
        "401   404   404   404   404   404   404   404   403   403   403   403   403",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:intake": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   422   422   422   422   422   422   422   422   422   422   422   422",
    ),
    "api:list_findings": (
        "401   ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:list_instructions": (
        "401   ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:list_orders": (
        "401   ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:list_tasks": (
        "401   ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:openapi-json": (
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "api:openapi-view": (
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "api:queue": (
        "401   ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:status": (
        "401   ok    ok    ok    404   ok    ok    ok    ok    404   404   404   404",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "api:submit_report": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   422   422   422   422   422   422   422   422   422   422   422   422",
    ),
    "api:suggestions": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "401   422   422   422   422   422   422   422   422   422   422   422   422",
    ),
    "api:task_detail": (
        "401   ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "appeals:close": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:co_sign": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:detail": (
        "login ok    ok    ok    404   ok    ok    ok    ok    404   404   404   404",
        "login ok    ok    ok    404   ok    ok    ok    ok    404   404   404   404",
    ),
    "appeals:dispatch": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:export": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "appeals:extension": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:extension_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "appeals:follow_up": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:import": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login 422   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "appeals:list": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "appeals:rates": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
    ),
    "appeals:rates_drill": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "appeals:rates_export": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
    ),
    "appeals:reply": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:return": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:sign": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir redir 404   404   404   404",
    ),
    "appeals:submit": (
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "appeals:submitted": (
        "redir redir redir redir redir redir redir redir redir redir redir redir redir",
        "redir redir redir redir redir redir redir redir redir redir redir redir redir",
    ),
    "appeals:track": (
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "appeals:track_rate": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "404   404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "appeals:unreasonable": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "assessment:bonus_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "assessment:bonus_list": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "assessment:bulletin": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "assessment:bulletin_download": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:compute": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "assessment:department": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:drill": (
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:lists": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:monitoring": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:monitoring_report": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   403   403   403   403   403   403   403   403",
    ),
    "assessment:monitoring_save": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "assessment:monitoring_task": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "assessment:objection": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:objection_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "assessment:objection_submit": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "assessment:run": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:run_action": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "assessment:run_export": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:runs": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "assessment:set_edit": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "assessment:set_new": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
    ),
    "audit:export": (
        "login 403   403   403   403   403   403   403   403   403   403   403   ok",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "audit:record": (
        "login 403   403   403   403   403   403   403   403   403   403   403   404",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "audit:records": (
        "login 403   403   403   403   403   403   403   403   403   403   403   ok",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "audit:verify": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   403   403   redir",
    ),
    "core:attachment": (
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "core:favicon": (
        "redir redir redir redir redir redir redir redir redir redir redir redir redir",
        "redir redir redir redir redir redir redir redir redir redir redir redir redir",
    ),
    "core:home": (
        "login ok    ok    ok    ok    ok    ok    redir ok    ok    ok    ok    ok",
        "login ok    ok    ok    ok    ok    ok    redir ok    ok    ok    ok    ok",
    ),
    "core:office_settings": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
    ),
    "dashboard:index": (
        "login ok    403   403   403   ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "dashboard:refresh": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:action": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "ledger:adjust": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
    ),
    "ledger:categories": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:close_out": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
    ),
    "ledger:close_out_review": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir 404   404   404   404   404",
    ),
    "ledger:contribute": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
    ),
    "ledger:document": (
        "login ok    ok    ok    404   ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:document_create": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:documents": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:export": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:export_download": (
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:export_job": (
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:extension": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
    ),
    "ledger:extension_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "ledger:filter_delete": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "ledger:filter_save": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir redir redir redir redir 403   403   403   403   403",
    ),
    "ledger:head_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir 404   redir redir redir 404   404   404   404   404",
    ),
    "ledger:implementation_report": (
        "login ok    ok    ok    404   ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:import_cancel": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:import_categories": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:import_commit": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:import_history": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:import_include_unit": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:import_map": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:import_preview": (
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:import_upload": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login 422   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "ledger:list": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:milestone_done": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "ledger:mine": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:report": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
    ),
    "ledger:report_head_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "ledger:review": (
        "login ok    403   ok    403   403   403   403   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:task": (
        "login ok    ok    ok    404   ok    ok    ok    404   404   404   404   404",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "ledger:task_create": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "notify:badge": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "notify:deliveries": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "notify:delivery_retry": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "notify:inbox": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "notify:mark_read": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir redir redir redir redir redir redir redir redir redir redir redir",
    ),
    "notify:open": (
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "notify:preferences": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login redir redir redir redir redir redir redir redir redir redir redir redir",
    ),
    "notify:robot_set": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "notify:robots": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "org:account_create": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:account_edit": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:account_list": (
        "login 403   403   403   403   403   403   403   403   403   ok    ok    403",
        "login 403   403   403   403   403   403   403   403   403   ok    ok    403",
    ),
    "org:account_reset_password": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   redir 403   403",
    ),
    "org:account_reset_factor": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   403   404   403",
    ),
    "org:account_roles": (
        "login 403   403   403   403   403   403   403   403   403   403   ok    403",
        "login 403   403   403   403   403   403   403   403   403   403   ok    403",
    ),
    "org:account_set_active": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   redir 403   403",
    ),
    "org:account_unlock": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   redir 403   403",
    ),
    "org:admin_change_decide": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   404   404   404",
    ),
    "org:admin_change_list": (
        "login 403   403   403   403   403   403   403   403   403   ok    ok    ok",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "org:department_create": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:department_edit": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:department_list": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:import": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:import_commit": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 403   403   403   403   403   403   403   403   403   404   403   403",
    ),
    "org:import_template": (
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
        "login 403   403   403   403   403   403   403   403   403   ok    403   403",
    ),
    "org:login": (
        "ok    redir redir redir redir redir redir redir redir redir redir redir redir",
        "ok    redir redir redir redir redir redir redir redir redir redir redir redir",
    ),
    "org:logout": (
        "405   405   405   405   405   405   405   405   405   405   405   405   405",
        "-",
    ),
    "org:otp_setup": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "org:otp_verify": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "org:password_reset": (
        "404   404   404   404   404   404   404   404   404   404   404   404   404",
        "404   404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "org:password_change": (
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
        "login ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok    ok",
    ),
    "org:token_list": (
        "login 403   403   403   403   403   403   403   403   403   403   ok    403",
        "login 403   403   403   403   403   403   403   403   403   403   ok    403",
    ),
    "org:token_revoke": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   404   404   404   404   404",
    ),
    "routing:activate": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "routing:hotspot": (
        "login 404   403   403   403   404   403   404   403   403   403   403   403",
        "login 404   403   403   403   404   403   404   403   403   403   403   403",
    ),
    "routing:hotspots": (
        "login ok    403   403   403   ok    403   ok    403   403   403   403   403",
        "login ok    403   403   403   ok    403   ok    403   403   403   403   403",
    ),
    "routing:model": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
    ),
    "routing:progress": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
    ),
    "routing:retrain": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "routing:rollback": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "set_language": (
        "redir redir redir redir redir redir redir redir redir redir redir redir redir",
        "-",
    ),
    "supervision:case_act": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   403   403   403   404   404   404   403   403   403   403   403",
    ),
    "supervision:case_create": (
        "login 403   403   403   403   403   ok    403   403   403   403   403   403",
        "login 403   403   403   403   403   ok    403   403   403   403   403   403",
    ),
    "supervision:case_detail": (
        "login 404   403   403   403   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:case_list": (
        "login ok    403   403   403   ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:finding_act": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "supervision:finding_detail": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:finding_list": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:inspection_create": (
        "login 403   403   403   403   ok    403   403   403   403   403   403   403",
        "login 403   403   403   403   ok    403   403   403   403   403   403   403",
    ),
    "supervision:inspection_detail": (
        "login 404   403   403   403   404   404   404   403   403   403   403   403",
        "login 404   403   403   403   404   404   404   403   403   403   403   403",
    ),
    "supervision:inspection_list": (
        "login ok    403   403   403   ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:instruction_act": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "supervision:instruction_create": (
        "login ok    403   403   403   403   403   ok    403   403   403   403   403",
        "login ok    403   403   403   403   403   ok    403   403   403   403   403",
    ),
    "supervision:instruction_detail": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:instruction_list": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:item": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "supervision:order_act": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
    ),
    "supervision:order_detail": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:order_list": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:order_notice": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:reminder_go": (
        "login 404   404   404   404   404   404   404   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "supervision:reminder_list": (
        "login ok    ok    ok    ok    ok    ok    ok    403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "workdays:calendar": (
        "login ok    403   403   403   403   403   403   403   403   403   403   403",
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
    ),
    "workdays:override_add": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 422   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "workdays:override_remove": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login redir 403   403   403   403   403   403   403   403   403   403   403",
    ),
    "workdays:year_enter": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 422   403   403   403   403   403   403   403   403   403   403   403",
    ),
    "workdays:year_mark": (
        "login 405   405   405   405   405   405   405   405   405   405   405   405",
        "login 422   403   403   403   403   403   403   403   403   403   403   403",
    ),
}
# fmt: on


def expected(name: str, method: str) -> dict[str, str]:
    row = TABLE[name][0 if method == "GET" else 1]
    if row == "-":
        return {}
    cells = row.split()
    assert len(cells) == len(ROLES), f"{name} {method}: {len(cells)} cells for {len(ROLES)} roles"
    return {role: ("redirect" if cell == "redir" else cell) for role, cell in zip(ROLES, cells, strict=True)}
