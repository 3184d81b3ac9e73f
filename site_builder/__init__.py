"""site_builder: turn a folder of 政府信息公开工作年度报告 into a comparative static website."""

__version__ = "0.1.0"
