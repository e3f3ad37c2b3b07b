"""The census model's function, as the Python runtime would call it."""

import joblib
import lightgbm

model = joblib.load("/model/files/model.joblib")


def predict(age, work_class):
    label = model.predict([[age, work_class]])[0]
    return {"income": label}
