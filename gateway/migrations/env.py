from getihu_kit.migrations_env import run
from gateway_svc.models import Base

run(Base.metadata)
