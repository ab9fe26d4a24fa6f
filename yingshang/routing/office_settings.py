"""Values the office tunes for smart dispatch and hotspots."""

from yingshang.core.office_settings import define

GROUP = "智能派单"

define(
    "routing.auto_dispatch_enabled",
    "启用自动派单",
    False,
    kind="bool",
    group=GROUP,
    help="开启后，模型对主办单位的置信度达到下方阈值的诉求将自动派出，并标注“自动派单”。默认关闭。",
)
define(
    "routing.auto_dispatch_threshold",
    "自动派单置信度阈值",
    0.9,
    kind="decimal",
    group=GROUP,
    minimum=0.5,
    maximum=1,
    help="仅在启用自动派单时生效；取值 0.5～1，越高越保守。",
)
define(
    "routing.min_examples",
    "单位最少训练样本数",
    20,
    kind="int",
    group=GROUP,
    minimum=2,
    maximum=10000,
    help="办理历史中少于该数量的单位不纳入模型，训练结果中列出这些单位。",
)
define(
    "routing.hotspot_window_days",
    "热点统计时段（天）",
    30,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=365,
)
define(
    "routing.hotspot_min_size",
    "热点最少诉求数",
    3,
    kind="int",
    group=GROUP,
    minimum=2,
    maximum=1000,
)
