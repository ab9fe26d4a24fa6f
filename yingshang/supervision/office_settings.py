from yingshang.core.office_settings import define

GROUP = "督查督办"

define(
    "supervision_remind_before_workdays",
    "到期前提醒（提前工作日数）",
    3,
    kind="int",
    group=GROUP,
    minimum=0,
    maximum=30,
    help="在完成时限前第 N 个工作日发出到期提醒；0 表示不发到期前提醒。",
)
define(
    "supervision_remind_overdue_every_workdays",
    "逾期后每隔几个工作日催办一次",
    2,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=30,
)
define(
    "supervision_escalate_after",
    "催办几次后升级至部门负责人",
    3,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=20,
    help="同一事项累计催办达到该次数后，之后的催办同时发送给责任单位负责人。",
)
define(
    "supervision_reminder_hour",
    "每日自动催办时间（时）",
    9,
    kind="int",
    group=GROUP,
    minimum=0,
    maximum=23,
    help="自动催办在工作日该时刻之后发出；节假日不发。",
)
define(
    "supervision_default_reply_workdays",
    "督办单默认答复时限（工作日）",
    5,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=60,
)
