from getihu_kit.migrations_env import run
from appeal_svc.models import Base

run(Base.metadata)
