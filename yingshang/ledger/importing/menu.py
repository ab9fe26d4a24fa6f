from yingshang.core.navigation import register
from yingshang.org.roles import OFFICE

register("导入台账", "ledger:import_upload", icon="upload", roles={OFFICE}, section="台账管理", order=25)
