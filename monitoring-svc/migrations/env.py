from getihu_kit.migrations_env import run
from monitoring_svc.models import Base

run(Base.metadata)
