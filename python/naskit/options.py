"""Plugin options from Python values to the text a suite file holds."""


def flatten_options(options, prefix=""):
    """{"predictor": {"name": "xgboost", "rounds": 10}} -> {"predictor": "xgboost",
    "predictor.rounds": "10"}, as a suite's nested option map; lists join with commas."""
    flat = {}
    for name, value in (options or {}).items():
        key = prefix + str(name)
        if isinstance(value, dict):
            if "name" not in value:
                raise _config_error(f"option {key!r}: a nested option map needs a \"name\": "
                                    "the plugin it configures")
            flat[key] = str(value["name"])
            flat.update(flatten_options({k: v for k, v in value.items() if k != "name"},
                                        key + "."))
        elif isinstance(value, (list, tuple)):
            flat[key] = ",".join(_text(v) for v in value)
        else:
            flat[key] = _text(value)
    return flat


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _config_error(message):
    from ._naskit import ConfigError
    return ConfigError(message)
