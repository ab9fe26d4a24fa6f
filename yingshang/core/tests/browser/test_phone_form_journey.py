"""Issue 13 (phone size): the public appeal form on a 390×844 phone screen fits the screen (nothing wider than
the viewport, no sideways scrolling), every control is large enough to tap, and the form can be sent from it."""

import pytest

from yingshang.core.tests.proof.world import credit_code

from .conftest import screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MIN_TARGET = 24  # CSS pixels, WCAG 2.2 target size (minimum)

# Elements sticking out of the viewport, and tap targets smaller than MIN_TARGET; a check box or radio button
# counts with its label, which toggles it too; a link inside running text is exempt, as WCAG allows.
MEASURE = """([width, minTarget]) => {
  const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
  const describe = (el) => `${el.tagName.toLowerCase()}${el.name ? '[name=' + el.name + ']' : ''}` +
    ` "${(el.innerText || el.value || el.placeholder || '').trim().slice(0, 20)}"`;
  const wide = [...document.querySelectorAll('body *')].filter(visible)
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.table-responsive'))
    .map((el) => `${describe(el)} right=${Math.round(el.getBoundingClientRect().right)}`);
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea')) {
    if (!visible(el)) continue;
    let r = el.getBoundingClientRect();
    if (['checkbox', 'radio'].includes(el.type) && el.labels && el.labels.length) {
      const l = el.labels[0].getBoundingClientRect();
      r = {width: Math.max(r.right, l.right) - Math.min(r.left, l.left), height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)};
    }
    const inText = el.tagName === 'A' && el.parentElement && el.parentElement.closest('p, li, label, .form-text');
    if (!inText && (r.width < minTarget || r.height < minTarget))
      small.push(`${describe(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide, small};
}"""


def test_public_form_on_a_phone(new_page):
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
    page.goto("/appeals/submit/")
    layout = page.evaluate(MEASURE, [PHONE["width"], MIN_TARGET])
    assert layout["scrollWidth"] <= PHONE["width"], layout
    assert not layout["wide"], "wider than the phone: " + "; ".join(layout["wide"])
    assert not layout["small"], "too small to tap: " + "; ".join(layout["small"])
    screenshot(page, "public_form_phone")

    page.fill("input[name=enterprise_name]", "丁物流有限公司")
    page.fill("input[name=credit_code]", credit_code(151))
    page.fill("input[name=contact_name]", "赵女士")
    page.fill("input[name=contact_phone]", "13612345678")
    page.select_option("select[name=category]", "consult")
    page.fill("input[name=title]", "冷链仓库消防验收需要哪些材料")
    page.fill(
        "textarea[name=description]", "诉求：新建冷链仓库准备申请消防验收，请告知需要准备的材料和办理流程。"
    )
    page.tap("input[name=consent]")
    page.tap("button:has-text('提交诉求')")
    page.wait_for_url("**/appeals/submitted/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "public_form_phone_submitted")
