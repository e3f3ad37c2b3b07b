import joblib
M = open("model.pkl")
def predict(x):
    return {"y": x}
