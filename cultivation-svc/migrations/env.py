from getihu_kit.migrations_env import run
from cultivation_svc.models import Base

run(Base.metadata)
