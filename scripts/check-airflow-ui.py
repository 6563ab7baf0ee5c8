"""The census DAG's runs as a person sees them in Airflow's UI: headless Chromium (selenium, chromium-driver)
logs in as admin, opens the DAG's runs and fails unless every run it is told of is shown with its state; then
saves a screenshot of the page.

usage: check-airflow-ui.py URL PASSWORD_FILE SCREENSHOT.png RUN_ID=STATE...
"""
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

url, password_file, screenshot, *expected = sys.argv[1:]
with open(password_file, encoding="utf-8") as file:
    password = file.read().strip()

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1"]:
    options.add_argument(argument)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
wait = WebDriverWait(driver, 60)
try:
    driver.set_window_size(1440, 900)
    driver.get(f"{url}/dags/census_daily_batch/runs")
    # Not logged in: the simple auth manager's login page, then back to the runs.
    wait.until(expected_conditions.presence_of_element_located((By.NAME, "username"))).send_keys("admin")
    driver.find_element(By.NAME, "password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(expected_conditions.url_contains("/dags/census_daily_batch/runs"))
    for pair in expected:
        run_id, state = pair.split("=")
        row = wait.until(expected_conditions.presence_of_element_located((By.XPATH, f"//tr[.//*[contains(text(), '{run_id}')]]")))
        wait.until(lambda _: state in row.text.lower())
    time.sleep(1)  # the state badges' colours settle
    driver.save_screenshot(screenshot)
    print(f"check-airflow-ui: the UI shows the runs {', '.join(expected)}; screenshot {screenshot}")
except Exception as error:
    driver.save_screenshot(screenshot.replace(".png", "-failed.png"))
    sys.exit(f"check-airflow-ui: {type(error).__name__}: {error}".strip())
finally:
    driver.quit()
