from getihu_kit.migrations_env import run
from data_sharing_svc.models import Base

run(Base.metadata)
