"""The model function the Python runtime calls: its name is the contract's `name`."""


def predict(age, workclass, hours_per_week):
    return {"income": ">50K" if hours_per_week > 40 else "<=50K"}
