#!/usr/bin/env python3
"""Validate the fields of a SARIF 2.1.0 log that the schema requires.

Reads the log on stdin and exits 1 with one line per problem. Covers the
required properties and enumerations of the SARIF 2.1.0 schema that
`git mlv check --format sarif` emits: sarifLog (version, runs), run (tool),
tool (driver), toolComponent (name), reportingDescriptor (id), result
(message), message (text or id), level (enumeration), physicalLocation and
artifactLocation shapes. Written here instead of fetching the schema, so the
test runs offline.
"""
import json
import sys

LEVELS = {"none", "note", "warning", "error"}


def check(log):
    problems = []

    def need(condition, what):
        if not condition:
            problems.append(what)

    need(isinstance(log, dict), "log is not an object")
    if not isinstance(log, dict):
        return problems
    need(log.get("version") == "2.1.0", "version is not \"2.1.0\"")
    need(isinstance(log.get("$schema"), str) and "sarif" in log["$schema"],
         "$schema is missing or does not name a SARIF schema")
    runs = log.get("runs")
    need(isinstance(runs, list), "runs is not an array")
    for r, run in enumerate(runs if isinstance(runs, list) else []):
        where = f"runs[{r}]"
        driver = run.get("tool", {}).get("driver") if isinstance(run.get("tool"), dict) else None
        need(isinstance(driver, dict), f"{where}.tool.driver is missing")
        if not isinstance(driver, dict):
            continue
        need(isinstance(driver.get("name"), str) and driver["name"], f"{where} driver.name")
        need(isinstance(driver.get("version"), str), f"{where} driver.version")
        need(isinstance(driver.get("informationUri"), str)
             and "://" in driver["informationUri"], f"{where} driver.informationUri")
        rules = driver.get("rules", [])
        need(isinstance(rules, list), f"{where} driver.rules is not an array")
        rule_ids = []
        for i, rule in enumerate(rules):
            need(isinstance(rule.get("id"), str), f"{where} rules[{i}].id")
            need(isinstance(rule.get("shortDescription", {}).get("text"), str),
                 f"{where} rules[{i}].shortDescription.text")
            rule_ids.append(rule.get("id"))
        results = run.get("results")
        need(isinstance(results, list), f"{where}.results is not an array")
        for i, result in enumerate(results if isinstance(results, list) else []):
            at = f"{where}.results[{i}]"
            message = result.get("message")
            need(isinstance(message, dict)
                 and (isinstance(message.get("text"), str) or isinstance(message.get("id"), str)),
                 f"{at}.message needs text or id")
            need(isinstance(result.get("ruleId"), str), f"{at}.ruleId")
            need(result.get("level", "warning") in LEVELS, f"{at}.level {result.get('level')!r}")
            if "ruleIndex" in result:
                index = result["ruleIndex"]
                need(isinstance(index, int) and 0 <= index < len(rule_ids)
                     and rule_ids[index] == result.get("ruleId"), f"{at}.ruleIndex")
            for j, location in enumerate(result.get("locations", [])):
                uri = (location.get("physicalLocation", {})
                       .get("artifactLocation", {}).get("uri"))
                need(isinstance(uri, str) and uri, f"{at}.locations[{j}] artifactLocation.uri")
    return problems


def main():
    problems = check(json.load(sys.stdin))
    for problem in problems:
        print(f"invalid SARIF: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
