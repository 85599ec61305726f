from getihu_kit.migrations_env import run
from typing_svc.models import Base

run(Base.metadata)
