#!/usr/bin/env python3
"""Validate a SARIF 2.1.0 log against the parts of the schema it uses.

Reads the log on stdin and exits 1 with one line per problem. Written from
the SARIF 2.1.0 JSON schema (sarif-schema-2.1.0.json, OASIS) so that the
test runs offline. For each object that `git mlv check --format sarif`
writes (sarifLog, run, tool, toolComponent, reportingDescriptor,
multiformatMessageString, reportingConfiguration, result, message,
location, physicalLocation, artifactLocation, region, invocation,
notification) it checks:

- the required properties, and the specification's rules that a message
  has text or id and a physicalLocation an address or artifactLocation;
- that no other property appears, since these objects have
  "additionalProperties": false;
- the enumerations (version, level, kind) and integer minimums;
- that artifactLocation.uri is a relative URI reference (RFC 3986), as
  git-mlv writes repository paths, so spaces, non-ASCII characters and a
  colon in the first segment must be percent-encoded;
- that ruleIndex points at the rule whose id is ruleId.

`sarif_required.py --self-test` feeds it broken logs and checks that each
is rejected.
"""
import copy
import json
import re
import sys

LEVELS = {"none", "note", "warning", "error"}
KINDS = {"notApplicable", "pass", "fail", "review", "open", "informational"}

# Properties each object may have, from the schema's "properties" lists.
ALLOWED = {
    "sarifLog": {"$schema", "version", "runs", "inlineExternalProperties", "properties"},
    "run": {"tool", "invocations", "conversion", "language", "versionControlProvenance",
            "originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results",
            "automationDetails", "runAggregates", "baselineGuid", "redactionTokens",
            "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
            "externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses",
            "translations", "policies", "webRequests", "webResponses", "specialLocations",
            "properties"},
    "tool": {"driver", "extensions", "properties"},
    "toolComponent": {"guid", "name", "organization", "product", "productSuite",
                      "shortDescription", "fullDescription", "fullName", "version",
                      "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
                      "informationUri", "globalMessageStrings", "notifications", "rules", "taxa",
                      "locations", "language", "contents", "isComprehensive",
                      "localizedDataSemanticVersion",
                      "minimumRequiredLocalizedDataSemanticVersion", "associatedComponent",
                      "translationMetadata", "supportedTaxonomies", "properties"},
    "reportingDescriptor": {"id", "deprecatedIds", "guid", "deprecatedGuids", "name",
                            "deprecatedNames", "shortDescription", "fullDescription",
                            "messageStrings", "defaultConfiguration", "helpUri", "help",
                            "relationships", "properties"},
    "multiformatMessageString": {"text", "markdown", "properties"},
    "reportingConfiguration": {"enabled", "level", "rank", "parameters", "properties"},
    "result": {"ruleId", "ruleIndex", "rule", "kind", "level", "message", "analysisTarget",
               "locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints",
               "fingerprints", "stacks", "codeFlows", "graphs", "graphTraversals",
               "relatedLocations", "suppressions", "baselineState", "rank", "attachments",
               "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest",
               "webResponse", "properties"},
    "message": {"text", "markdown", "id", "arguments", "properties"},
    "invocation": {"commandLine", "arguments", "responseFiles", "startTimeUtc", "endTimeUtc",
                   "exitCode", "ruleConfigurationOverrides", "notificationConfigurationOverrides",
                   "toolExecutionNotifications", "toolConfigurationNotifications",
                   "exitCodeDescription", "exitSignalName", "exitSignalNumber",
                   "processStartFailureMessage", "executionSuccessful", "machine", "account",
                   "processId", "executableLocation", "workingDirectory",
                   "environmentVariables", "stdin", "stdout", "stderr", "stdoutStderr",
                   "properties"},
    "notification": {"locations", "message", "level", "threadId", "timeUtc", "exception",
                     "descriptor", "associatedRule", "properties"},
    "location": {"id", "physicalLocation", "logicalLocations", "message", "annotations",
                 "relationships", "properties"},
    "physicalLocation": {"address", "artifactLocation", "region", "contextRegion", "properties"},
    "artifactLocation": {"uri", "uriBaseId", "index", "description", "properties"},
    "region": {"startLine", "startColumn", "endLine", "endColumn", "charOffset", "charLength",
               "byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"},
}

REGION_MINIMUMS = {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1,
                   "charOffset": -1, "charLength": 0, "byteOffset": -1, "byteLength": 0}

# RFC 3986: unreserved, reserved and percent-encoded characters only.
URI_CHARACTERS = re.compile(r"^([A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")
URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class Validator:
    def __init__(self):
        self.problems = []

    def need(self, condition, what):
        if not condition:
            self.problems.append(what)

    def is_object(self, value, kind, where):
        if not isinstance(value, dict):
            self.problems.append(f"{where} ({kind}) is not an object")
            return False
        for key in value:
            self.need(key in ALLOWED[kind], f"{where} ({kind}) has unknown property '{key}'")
        return True

    def integer(self, value, minimum, where):
        self.need(isinstance(value, int) and not isinstance(value, bool) and value >= minimum,
                  f"{where} is not an integer >= {minimum}")

    def uri_reference(self, uri, where):
        if not isinstance(uri, str):
            self.problems.append(f"{where} is not a string")
            return
        self.need(URI_CHARACTERS.match(uri) is not None,
                  f"{where} {uri!r} has characters a URI reference must percent-encode")
        # git-mlv writes paths relative to the repository. A path whose first
        # segment has a colon ("c:d/e.json") would read as a URI with a scheme.
        first_segment = uri.split("/")[0]
        self.need(":" not in first_segment,
                  f"{where} {uri!r} reads as an absolute URI: encode the colon as %3A")

    def message(self, value, kind, where):
        if not self.is_object(value, kind, where):
            return
        if kind == "multiformatMessageString":
            self.need(isinstance(value.get("text"), str), f"{where}.text is required")
        else:
            self.need(isinstance(value.get("text"), str) or isinstance(value.get("id"), str),
                      f"{where} needs text or id")

    def region(self, value, where):
        if not self.is_object(value, "region", where):
            return
        for key, minimum in REGION_MINIMUMS.items():
            if key in value:
                self.integer(value[key], minimum, f"{where}.{key}")

    def location(self, value, where):
        if not self.is_object(value, "location", where):
            return
        physical = value.get("physicalLocation")
        if physical is None:
            return
        at = f"{where}.physicalLocation"
        if not self.is_object(physical, "physicalLocation", at):
            return
        self.need("address" in physical or "artifactLocation" in physical,
                  f"{at} needs address or artifactLocation")
        artifact = physical.get("artifactLocation")
        if artifact is not None and self.is_object(artifact, "artifactLocation",
                                                   f"{at}.artifactLocation"):
            if "uri" in artifact:
                self.uri_reference(artifact["uri"], f"{at}.artifactLocation.uri")
            if "index" in artifact:
                self.integer(artifact["index"], -1, f"{at}.artifactLocation.index")
        for key in ("region", "contextRegion"):
            if key in physical:
                self.region(physical[key], f"{at}.{key}")

    def rule(self, value, where):
        if not self.is_object(value, "reportingDescriptor", where):
            return
        self.need(isinstance(value.get("id"), str), f"{where}.id is required")
        for key in ("shortDescription", "fullDescription", "help"):
            if key in value:
                self.message(value[key], "multiformatMessageString", f"{where}.{key}")
        configuration = value.get("defaultConfiguration")
        if configuration is not None and self.is_object(
                configuration, "reportingConfiguration", f"{where}.defaultConfiguration"):
            self.need(configuration.get("level", "warning") in LEVELS,
                      f"{where}.defaultConfiguration.level")

    def result(self, value, rule_ids, where):
        if not self.is_object(value, "result", where):
            return
        self.need("message" in value, f"{where}.message is required")
        self.message(value.get("message"), "message", f"{where}.message")
        self.need(value.get("level", "warning") in LEVELS, f"{where}.level {value.get('level')!r}")
        self.need(value.get("kind", "fail") in KINDS, f"{where}.kind {value.get('kind')!r}")
        if "ruleId" in value:
            self.need(isinstance(value["ruleId"], str), f"{where}.ruleId is not a string")
        if "ruleIndex" in value:
            index = value["ruleIndex"]
            self.integer(index, -1, f"{where}.ruleIndex")
            if isinstance(index, int) and index >= 0:
                self.need(index < len(rule_ids), f"{where}.ruleIndex {index} is past the rules")
                self.need(index >= len(rule_ids) or "ruleId" not in value
                          or rule_ids[index] == value["ruleId"],
                          f"{where}.ruleIndex names another rule than ruleId")
        locations = value.get("locations", [])
        self.need(isinstance(locations, list), f"{where}.locations is not an array")
        for j, location in enumerate(locations if isinstance(locations, list) else []):
            self.location(location, f"{where}.locations[{j}]")

    def invocation(self, value, where):
        if not self.is_object(value, "invocation", where):
            return
        self.need(isinstance(value.get("executionSuccessful"), bool),
                  f"{where}.executionSuccessful is required")
        for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
            notes = value.get(key, [])
            self.need(isinstance(notes, list), f"{where}.{key} is not an array")
            for i, note in enumerate(notes if isinstance(notes, list) else []):
                at = f"{where}.{key}[{i}]"
                if not self.is_object(note, "notification", at):
                    continue
                self.need("message" in note, f"{at}.message is required")
                if "message" in note:
                    self.message(note["message"], "message", f"{at}.message")
                if "level" in note:
                    self.need(note["level"] in LEVELS, f"{at}.level {note['level']!r}")
                for j, location in enumerate(note.get("locations", [])):
                    self.location(location, f"{at}.locations[{j}]")

    def run(self, value, where):
        if not self.is_object(value, "run", where):
            return
        invocations = value.get("invocations", [])
        self.need(isinstance(invocations, list), f"{where}.invocations is not an array")
        for i, invocation in enumerate(invocations if isinstance(invocations, list) else []):
            self.invocation(invocation, f"{where}.invocations[{i}]")
        tool = value.get("tool")
        self.need(tool is not None, f"{where}.tool is required")
        rule_ids = []
        if tool is not None and self.is_object(tool, "tool", f"{where}.tool"):
            driver = tool.get("driver")
            at = f"{where}.tool.driver"
            self.need(driver is not None, f"{at} is required")
            if driver is not None and self.is_object(driver, "toolComponent", at):
                self.need(isinstance(driver.get("name"), str) and driver["name"] != "",
                          f"{at}.name is required")
                if "informationUri" in driver:
                    self.need(isinstance(driver["informationUri"], str)
                              and URI_SCHEME.match(driver["informationUri"]) is not None,
                              f"{at}.informationUri is not an absolute URI")
                rules = driver.get("rules", [])
                self.need(isinstance(rules, list), f"{at}.rules is not an array")
                for i, rule in enumerate(rules if isinstance(rules, list) else []):
                    self.rule(rule, f"{at}.rules[{i}]")
                    rule_ids.append(rule.get("id") if isinstance(rule, dict) else None)
                self.need(len(set(map(str, rule_ids))) == len(rule_ids),
                          f"{at}.rules are not unique")
        results = value.get("results", [])
        self.need(isinstance(results, list), f"{where}.results is not an array")
        for i, result in enumerate(results if isinstance(results, list) else []):
            self.result(result, rule_ids, f"{where}.results[{i}]")

    def log(self, value):
        if not self.is_object(value, "sarifLog", "log"):
            return self.problems
        self.need(value.get("version") == "2.1.0", "log.version is not \"2.1.0\"")
        if "$schema" in value:
            self.need(isinstance(value["$schema"], str)
                      and URI_SCHEME.match(value["$schema"]) is not None, "log.$schema")
        runs = value.get("runs")
        self.need(isinstance(runs, list), "log.runs is required and must be an array")
        for r, run in enumerate(runs if isinstance(runs, list) else []):
            self.run(run, f"runs[{r}]")
        return self.problems


def check(log):
    return Validator().log(log)


def self_test():
    """Checks that each kind of defect in a valid log is reported."""
    valid = {
        "version": "2.1.0",
        "runs": [{
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": [
                {"level": "note", "message": {"text": "n"},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": "m.gguf"}}}]}]}],
            "tool": {"driver": {"name": "t", "informationUri": "https://example.invalid/t",
                                "rules": [{"id": "a", "shortDescription": {"text": "A"},
                                           "defaultConfiguration": {"level": "error"}}]}},
            "results": [{"ruleId": "a", "ruleIndex": 0, "level": "error",
                         "message": {"text": "m"},
                         "locations": [{"physicalLocation": {
                             "artifactLocation": {"uri": "dir/config.json"},
                             "region": {"startLine": 3, "startColumn": 1}}}]}]}]}
    assert check(valid) == [], check(valid)

    def broken(edit):
        log = copy.deepcopy(valid)
        edit(log)
        return check(log)

    result = lambda log: log["runs"][0]["results"][0]  # noqa: E731
    location = lambda log: result(log)["locations"][0]["physicalLocation"]  # noqa: E731
    defects = {
        "no version": lambda log: log.pop("version"),
        "other version": lambda log: log.update(version="2.0.0"),
        "no runs": lambda log: log.pop("runs"),
        "no tool": lambda log: log["runs"][0].pop("tool"),
        "no driver": lambda log: log["runs"][0]["tool"].pop("driver"),
        "no driver name": lambda log: log["runs"][0]["tool"]["driver"].pop("name"),
        "no rule id": lambda log: log["runs"][0]["tool"]["driver"]["rules"][0].pop("id"),
        "description without text":
            lambda log: log["runs"][0]["tool"]["driver"]["rules"][0].update(
                shortDescription={"markdown": "A"}),
        "no message": lambda log: result(log).pop("message"),
        "message without text or id": lambda log: result(log).update(message={"markdown": "m"}),
        "unknown level": lambda log: result(log).update(level="fatal"),
        "unknown kind": lambda log: result(log).update(kind="bad"),
        "rule index past rules": lambda log: result(log).update(ruleIndex=1),
        "rule index of another rule": lambda log: result(log).update(ruleId="b"),
        "extra result property": lambda log: result(log).update(severity="error"),
        "physical location without artifact": lambda log: location(log).pop("artifactLocation"),
        "uri with a space": lambda log: location(log)["artifactLocation"].update(uri="a b/c"),
        "uri with a colon first":
            lambda log: location(log)["artifactLocation"].update(uri="c:d/e.json"),
        "uri not ASCII": lambda log: location(log)["artifactLocation"].update(uri="\u00e9.json"),
        "invocation without success":
            lambda log: log["runs"][0]["invocations"][0].pop("executionSuccessful"),
        "notification without message": lambda log: log["runs"][0]["invocations"][0][
            "toolExecutionNotifications"][0].pop("message"),
        "notification of unknown level": lambda log: log["runs"][0]["invocations"][0][
            "toolExecutionNotifications"][0].update(level="info"),
        "region line zero": lambda log: location(log)["region"].update(startLine=0),
        "extra region property": lambda log: location(log)["region"].update(line=3),
    }
    failures = [name for name, edit in defects.items() if not broken(edit)]
    for name in failures:
        print(f"self-test: '{name}' was not reported", file=sys.stderr)
    return 1 if failures else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    problems = check(json.load(sys.stdin))
    for problem in problems:
        print(f"invalid SARIF: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
