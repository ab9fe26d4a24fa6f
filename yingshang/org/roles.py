"""Roles of DESIGN.md. Stored on the account as a bit set: business roles in the low bits, the three
separated admin duties (三员) in bits 8-10. The database check `roles < 256 OR roles IN (256, 512, 1024)`
then says in one line that an admin duty stands alone on its account."""

OFFICE = "office"
LIAISON = "liaison"
DEPT_HEAD = "dept_head"
INSPECTOR = "inspector"
DISCIPLINE = "discipline"
LEADER = "leader"
ENTERPRISE = "enterprise"
SYSADMIN = "sysadmin"
SECADMIN = "secadmin"
AUDITOR = "auditor"

ROLE_BITS = {
    OFFICE: 1 << 0,
    LIAISON: 1 << 1,
    DEPT_HEAD: 1 << 2,
    INSPECTOR: 1 << 3,
    DISCIPLINE: 1 << 4,
    LEADER: 1 << 5,
    ENTERPRISE: 1 << 6,
    SYSADMIN: 1 << 8,
    SECADMIN: 1 << 9,
    AUDITOR: 1 << 10,
}
ROLE_LABELS = {
    OFFICE: "营商办",
    LIAISON: "部门联络员",
    DEPT_HEAD: "部门负责人",
    INSPECTOR: "督查人员",
    DISCIPLINE: "纪检监察",
    LEADER: "市领导",
    ENTERPRISE: "企业用户",
    SYSADMIN: "系统管理员",
    SECADMIN: "安全管理员",
    AUDITOR: "审计管理员",
}
ADMIN_DUTIES = frozenset({SYSADMIN, SECADMIN, AUDITOR})
BUSINESS_ROLES = frozenset(ROLE_BITS) - ADMIN_DUTIES
ALL_ROLES = frozenset(ROLE_BITS)
# Roles that see every department's records (read or write); the others are scoped to their department.
CITY_WIDE_ROLES = frozenset({OFFICE, INSPECTOR, DISCIPLINE, LEADER})
DEPARTMENT_ROLES = frozenset({LIAISON, DEPT_HEAD})
ADMIN_BITS_FLOOR = 1 << 8


def roles_to_bits(codes: set[str] | frozenset[str] | list[str]) -> int:
    bits = 0
    for code in codes:
        bits |= ROLE_BITS[code]
    return bits


def bits_to_roles(bits: int) -> frozenset[str]:
    return frozenset(code for code, bit in ROLE_BITS.items() if bits & bit)


def role_choices() -> list[tuple[str, str]]:
    return [(code, ROLE_LABELS[code]) for code in ROLE_BITS]
