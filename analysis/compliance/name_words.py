"""Default generic words for the naming check (第八条), apart so that settings can import them
without loading pandas."""

from __future__ import annotations

# Words every unit of the system shares, or that only say what kind of body it is: sharing
# one of them does not tie an account name to its unit (第八条 asks for a clear tie).
DEFAULT_GENERIC_WORDS: tuple[str, ...] = (
    "中华人民共和国", "人民政府", "交通运输", "事业发展中心", "发展中心", "服务中心",
    "管理中心", "管理局", "管理处", "管理所", "管理站", "办公室", "委员会", "有限责任公司",
    "有限公司", "集团", "公司", "中心", "事业", "发展", "管理", "服务", "单位", "部门", "机关",
    "省", "市", "县", "区", "厅", "局", "处", "所", "站", "队", "科", "室", "股",
)  # fmt: skip
