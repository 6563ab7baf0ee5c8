"""serve's page in a real browser: headless Chromium fills each model's form, presses Predict, and reads the
answer the page draws; the figures must be the ones the API gives for the same record. Also a bad value
(the browser's own check turned off) must come back as the problem the API gives, and nothing may overflow
at 1280 px or at 390 px (a phone). Screenshots go to the folder named.

usage: page.py BASE_URL SCREENSHOT_DIR
"""
import json
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

base, shots = sys.argv[1].rstrip("/"), sys.argv[2]

CENSUS = {"age": 52, "sex": "Male", "marital_stat": "Married-civilian spouse present",
          "education": "Masters degree(MA MS MEng MEd MSW MBA)", "tax_filer_stat": "Joint both under 65"}
# Darkness, raining, wet road, rural, no officer: DfT codes.
ACCIDENT = {"police_force": 1, "officer_attended": 2, "light_conditions": 6, "weather_conditions": 2,
            "road_surface_conditions": 2, "special_conditions_at_site": 0, "carriageway_hazards": 0,
            "urban_or_rural_area": 2}


def api(model, record):
    request = urllib.request.Request(f"{base}/predict/{model}", data=json.dumps(record).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def percent(p):
    # The page's own formatting: (100 * p).toFixed(p < 0.001 ? 3 : 1) + ' %'
    return f"{100 * p:.{3 if p < 0.001 else 1}f} %"


def fill(driver, model, record):
    form = driver.find_element(By.CSS_SELECTOR, f'form[data-model="{model}"]')
    for name, value in record.items():
        field = form.find_element(By.NAME, name)
        if field.tag_name == "select":
            Select(field).select_by_value(str(value))
        else:
            field.clear()
            field.send_keys(str(value))
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    section = driver.find_element(By.ID, model)
    WebDriverWait(driver, 10).until(lambda _: section.find_elements(By.CSS_SELECTOR, ".answer .headline"))
    return section.find_element(By.CSS_SELECTOR, ".answer")


def no_overflow(driver, width):
    driver.set_window_size(width, 900)
    overflow = driver.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert overflow[0] <= overflow[1], f"the page is {overflow[0]} px wide in a {overflow[1]} px window"


def screenshot(driver, name, width):
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, height + 100)
    assert driver.save_screenshot(f"{shots}/{name}"), f"could not write {shots}/{name}"


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                 "--hide-scrollbars", "--force-device-scale-factor=1"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get(base + "/")
    assert driver.title == "pgpipe serve: try the models", driver.title
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert not errors, errors

    status, expected = api("census_income_xgboost", CENSUS)
    assert status == 200, expected
    answer = fill(driver, "census_income_xgboost", CENSUS)
    headline = answer.find_element(By.CSS_SELECTOR, ".headline").text
    want = f"{'Over' if expected['over_50k'] else 'Under'} 50k: probability {percent(expected['probability'])} of earning over 50,000"
    assert headline == want, f"page says {headline!r}, the API {want!r}"
    print(f"census form: {headline}")

    status, expected = api("accident_severity_logistic", ACCIDENT)
    assert status == 200, expected
    answer = fill(driver, "accident_severity_logistic", ACCIDENT)
    headline = answer.find_element(By.CSS_SELECTOR, ".headline").text
    assert headline == f"Predicted severity: {expected['label']}", headline
    bars = [row.text.split("\n") for row in answer.find_elements(By.CSS_SELECTOR, ".bar")]
    want = [[name, percent(p)] for name, p in expected["probabilities"].items()]
    assert bars == want, f"page shows {bars}, the API {want}"
    print(f"accident form: {headline}; " + ", ".join(f"{n} {p}" for n, p in bars))

    no_overflow(driver, 1280)
    screenshot(driver, "serve-page.png", 1280)

    # A bad value past the browser's own check: the page shows the API's problem, field by field.
    driver.set_window_size(1280, 900)
    driver.execute_script('document.querySelector(\'form[data-model="census_income_xgboost"]\').noValidate = true')
    status, expected = api("census_income_xgboost", {**CENSUS, "age": 200})
    assert status == 422, expected
    answer = fill(driver, "census_income_xgboost", {**CENSUS, "age": 200})
    shown = answer.text.split("\n")
    assert shown[0] == f"{expected['title']}: {expected['detail']}", shown
    assert shown[1:] == [f"{e['field']}: {e['reason']}" for e in expected["errors"]], shown
    print(f"a bad age: {' / '.join(shown)}")

    no_overflow(driver, 390)
    driver.get(base + "/")
    fill(driver, "census_income_xgboost", CENSUS)
    screenshot(driver, "serve-page-phone.png", 390)
    print(f"page: no overflow at 1280 or 390 px; screenshots in {shots}")
finally:
    driver.quit()
