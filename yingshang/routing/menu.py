from yingshang.core.navigation import register
from yingshang.org import roles as r

register(
    "热点诉求",
    "routing:hotspots",
    icon="fire",
    roles={r.OFFICE, r.LEADER, r.INSPECTOR},
    section="企业诉求",
    order=60,
)
register("智能派单模型", "routing:model", icon="cpu", roles={r.OFFICE}, section="企业诉求", order=70)
