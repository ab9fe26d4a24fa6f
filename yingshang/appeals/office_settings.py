"""Values the office tunes for the appeals loop: time limits per appeal type, counting rule, rate formulas,
duplicate detection, intake limits."""

from yingshang.core.office_settings import define

GROUP = "企业诉求"

CATEGORY_LIMITS = {
    # category: (sign within N working hours, reply within N working days)
    "consult": (4, 3),
    "help": (8, 5),
    "complaint": (8, 10),
    "suggestion": (8, 15),
    "report": (8, 10),
}
CATEGORY_LABELS = {
    "consult": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "suggestion": "建议",
    "report": "举报",
}

for _category, (_hours, _days) in CATEGORY_LIMITS.items():
    define(
        f"appeals.sign_hours.{_category}",
        f"{CATEGORY_LABELS[_category]}类签收时限（工作小时）",
        _hours,
        kind="int",
        group=GROUP,
        minimum=1,
        maximum=200,
    )
    define(
        f"appeals.reply_days.{_category}",
        f"{CATEGORY_LABELS[_category]}类答复时限（工作日）",
        _days,
        kind="int",
        group=GROUP,
        minimum=1,
        maximum=90,
    )
define("appeals.sign_hours.urgent", "紧急诉求签收时限（工作小时）", 2, kind="int", group=GROUP, minimum=1)
define("appeals.reply_days.urgent", "紧急诉求答复时限（工作日）", 1, kind="int", group=GROUP, minimum=1)
define(
    "appeals.count_from",
    "诉求时限起算规则",
    "calendar",
    kind="choice",
    group=GROUP,
    choices=(
        ("calendar", "按工作日设置中的收件当日规则"),
        ("receipt", "自派单之时起算（当日计入）"),
        ("next_workday", "自派单次一工作日起算"),
    ),
    help="签收时限（工作小时）和答复时限（工作日）自派单时起算；办公时间取工作日设置中的上下午作息时间。",
)
define("appeals.description_max", "诉求内容字数上限", 5000, kind="int", group=GROUP, minimum=100)
define(
    "appeals.reply_min_chars",
    "答复企业最少字数",
    15,
    kind="int",
    group=GROUP,
    minimum=1,
    maximum=500,
    help="主办单位答复企业时，正文（不含标点和空格）不得少于该字数。",
)
define("appeals.extension_max_days", "单次延期最长（工作日）", 10, kind="int", group=GROUP, minimum=1)
define("appeals.max_reopens", "不满意重办次数上限", 2, kind="int", group=GROUP, minimum=0, maximum=10)
define("appeals.duplicate_window_days", "重复诉求识别时间窗（天）", 30, kind="int", group=GROUP, minimum=1)
define(
    "appeals.duplicate_threshold",
    "重复诉求文本相似度阈值",
    0.6,
    kind="decimal",
    group=GROUP,
    minimum=0.1,
    maximum=1,
    help="两条诉求（标题和内容）的文本相似度（3字片段 MinHash 估计的 Jaccard 相似度，与智能派单共用同一索引）不低于该值，且为同一企业或同一联系电话时，视为重复诉求。",
)
define(
    "appeals.submit_limit_per_ip",
    "在线提交诉求每小时次数上限（每个地址）",
    10,
    kind="int",
    group=GROUP,
    minimum=1,
    help="同一地址一小时内匿名提交超过该数后，每次提交须先回答一道算术验证题。",
)
define("appeals.track_limit_per_ip", "进度查询每小时次数上限（每个地址）", 30, kind="int", group=GROUP)
define("appeals.track_limit_per_code", "进度查询每小时失败次数上限（每个查询码）", 5, kind="int", group=GROUP)
define(
    "appeals.rate_basic_weight",
    "满意率中“基本满意”的折算系数",
    0.9,
    kind="decimal",
    group=GROUP,
    minimum=0,
    maximum=1,
)
define(
    "appeals.rate_weight_response",
    "综合得分中响应率权重",
    0.1,
    kind="decimal",
    group=GROUP,
    minimum=0,
    maximum=1,
)
define(
    "appeals.rate_weight_resolution",
    "综合得分中解决率权重",
    0.5,
    kind="decimal",
    group=GROUP,
    minimum=0,
    maximum=1,
)
define(
    "appeals.rate_weight_satisfaction",
    "综合得分中满意率权重",
    0.4,
    kind="decimal",
    group=GROUP,
    minimum=0,
    maximum=1,
)
define("appeals.webhook_max_attempts", "回传最多尝试次数", 8, kind="int", group=GROUP, minimum=1, maximum=30)
define("appeals.webhook_base_delay", "回传首次重试间隔（秒）", 30, kind="int", group=GROUP, minimum=1)
