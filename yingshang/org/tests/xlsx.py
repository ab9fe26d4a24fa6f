from io import BytesIO

from openpyxl import Workbook


def xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


DEPT_HEADER = ["单位编码", "单位全称", "简称", "别名", "类型", "上级单位编码", "排序"]
USER_HEADER = ["账号", "姓名", "手机号", "邮箱", "所属单位编码", "角色"]
