"""Office settings of the ledger import (台账导入)."""

from yingshang.core.office_settings import define

GROUP = "台账导入"

define(
    "ledger_import_max_mb",
    "导入文件大小上限（MB）",
    20,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=200,
    help="任务分工方案（.xlsx/.xls/.csv/.docx）单个文件的大小上限。",
)
define(
    "ledger_import_first_listed_leads",
    "“责任单位”未写明牵头时，第一个单位为牵头单位",
    True,
    kind="bool",
    group=GROUP,
    help="如“X、Y按职责分工负责”：开启时 X 牵头、Y 配合；关闭时所列单位均作为牵头单位。",
)
define(
    "ledger_import_city_names",
    "本市名称（匹配单位时可省略的前缀）",
    "示例市",
    kind="str",
    group=GROUP,
    help="多个名称用顿号分隔，如“示例市、示例”。单位名称带或不带该前缀都能匹配。",
)
