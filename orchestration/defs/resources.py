"""The one resource every asset, check, hook and sensor of the refresh reads its settings
and its engine from."""

from dagster import ConfigurableResource

from orchestration.config import Settings, load_settings, override
from orchestration.engines import Engine, engine_for


class AftersalesConfig(ConfigurableResource):
    """Paths, the as-of override and the engine; an unset field falls back to the
    environment (``AFTERSALES_LANDING_DIR``, ``AFTERSALES_WAREHOUSE_DIR``,
    ``AFTERSALES_SERVING_DIR``, ``AFTERSALES_AS_OF``, ``AFTERSALES_TARGET``; see
    ``orchestration/config.py``). Relative paths are relative to the project directory, as
    in the environment variables."""

    landing_dir: str | None = None
    warehouse_dir: str | None = None
    serving_dir: str | None = None
    as_of: str | None = None
    target: str | None = None
    # rebuild the incremental models from scratch (aftersales-refresh --full-refresh)
    full_refresh: bool = False

    @classmethod
    def of(cls, settings: Settings, *, full_refresh: bool = False) -> "AftersalesConfig":
        """The resource that gives back ``settings`` (a Dagster resource holds plain
        values: paths as text)."""
        return cls(
            landing_dir=str(settings.landing_dir),
            warehouse_dir=str(settings.warehouse_dir),
            serving_dir=str(settings.serving_dir),
            as_of=settings.as_of,
            target=settings.target,
            full_refresh=full_refresh,
        )

    def settings(self) -> Settings:
        return override(
            load_settings(),
            landing_dir=self.landing_dir,
            warehouse_dir=self.warehouse_dir,
            serving_dir=self.serving_dir,
            as_of=self.as_of,
            target=self.target,
        )

    def engine(self) -> Engine:
        """The engine of ``target`` (``duckdb`` or ``spark``) on these settings."""
        return engine_for(self.settings())
