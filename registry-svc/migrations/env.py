from getihu_kit.migrations_env import run
from registry_svc.models import Base

run(Base.metadata)
