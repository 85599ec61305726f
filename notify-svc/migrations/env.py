from getihu_kit.migrations_env import run
from notify_svc.models import Base

run(Base.metadata)
