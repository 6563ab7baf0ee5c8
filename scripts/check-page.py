"""A report page as a person sees it: headless Chromium (selenium, chromium-driver) opens the file at 1280 px
and at 390 px (a phone) and fails when the document is wider than the window, when a text overflows its box,
or when an SVG text runs past its drawing (a cut legend or axis label). Screenshots of both widths are saved.

usage: check-page.py PAGE.html SCREENSHOT_PREFIX    (writes PREFIX.png and PREFIX-phone.png)
"""
import pathlib
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

page, prefix = pathlib.Path(sys.argv[1]).resolve(), sys.argv[2]
if not page.is_file():
    sys.exit(f"check-page: {page} is not a file")

PROBLEMS = """
const problems = [];
const doc = document.documentElement;
if (doc.scrollWidth > doc.clientWidth) problems.push(`the page is ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window`);
for (const element of document.body.querySelectorAll('*')) {
  if (element.closest('svg')) continue;
  const hasText = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (!hasText) continue;
  const style = getComputedStyle(element);
  if (style.display === 'none' || style.display.startsWith('table')) continue;
  if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0)
    problems.push(`text overflows its box: <${element.tagName.toLowerCase()}> "${element.textContent.trim().slice(0, 60)}"`);
}
for (const text of document.querySelectorAll('svg text')) {
  // On screen, transforms (a rotated axis label) included.
  const box = text.getBoundingClientRect(), frame = text.ownerSVGElement.getBoundingClientRect();
  if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5 || box.top < frame.top - 0.5 || box.bottom > frame.bottom + 0.5)
    problems.push(`SVG text past its drawing: "${text.textContent.slice(0, 60)}"`);
}
return problems;
"""

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
failed = False
try:
    for width, suffix in [(1280, ""), (390, "-phone")]:
        driver.set_window_size(width, 900)
        driver.get(page.as_uri())
        problems = driver.execute_script(PROBLEMS)
        for problem in problems:
            print(f"check-page: {page.name} at {width} px: {problem}", file=sys.stderr)
        failed |= bool(problems)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(width, min(height + 100, 16000))
        assert driver.save_screenshot(f"{prefix}{suffix}.png"), f"could not write {prefix}{suffix}.png"
    if not failed:
        print(f"check-page: {page.name}: nothing wider than the window or cut, at 1280 and 390 px; screenshots {prefix}.png, {prefix}-phone.png")
finally:
    driver.quit()
sys.exit(1 if failed else 0)
